;; LAS point records, formats 0-5 (the standard part), to columns: for lasKernel.ts.
;;
;; Why wasm: a cold open runs the JavaScript column loops in the interpreter (every float boxed)
;; until TurboFan has compiled them on a background thread, which on a busy machine took 10-35 ms
;; of a 1.2 M-point file's first chunk; a wasm module is compiled before its first call.
;;
;; `n` (<= 8192) records of `len` bytes at `src` (below 1 MiB) become columns at fixed addresses
;; (lasKernel.ts has the same table), each 8192 slots long, so every store is `i * size` plus an
;; immediate offset and the loop needs few locals (Liftoff, the compiler a cold start runs, keeps
;; them in registers):
;;   1048576 positions f32 x3 (x * sx + hx, computed in f64 and rounded once to f32, as JavaScript does)
;;   1146880 intensity u16     1163264 return_number u8    1171456 number_of_returns u8
;;   1179648 classification u8 1187840 classification_flags u8  1196032 scan_angle i8
;;   1204224 user_data u8      1212416 point_source_id u16 1228800 gps_time f64 bits (gpsAt >= 0)
;;   1294336 rgb u16 x3 (rgbAt >= 0)
;; The integer extents of x y z are folded into the six i32 at address 0 (min x y z, max x y z),
;; which the caller initialises.
(module
  (memory (export "memory") 21)

  (func (export "las")
    (param $src i32) (param $n i32) (param $len i32)
    (param $sx f64) (param $sy f64) (param $sz f64) (param $hx f64) (param $hy f64) (param $hz f64)
    (param $gpsAt i32) (param $rgbAt i32)
    (local $p i32) (local $i i32) (local $x i32) (local $y i32) (local $z i32) (local $b i32)
    (local $x0 i32) (local $y0 i32) (local $z0 i32) (local $x1 i32) (local $y1 i32) (local $z1 i32)
    (local.set $x0 (i32.load offset=0 (i32.const 0)))
    (local.set $y0 (i32.load offset=4 (i32.const 0)))
    (local.set $z0 (i32.load offset=8 (i32.const 0)))
    (local.set $x1 (i32.load offset=12 (i32.const 0)))
    (local.set $y1 (i32.load offset=16 (i32.const 0)))
    (local.set $z1 (i32.load offset=20 (i32.const 0)))
    (local.set $p (local.get $src))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $record
        (local.set $x (i32.load (local.get $p)))
        (local.set $y (i32.load offset=4 (local.get $p)))
        (local.set $z (i32.load offset=8 (local.get $p)))
        (local.set $x0 (select (local.get $x) (local.get $x0) (i32.lt_s (local.get $x) (local.get $x0))))
        (local.set $x1 (select (local.get $x) (local.get $x1) (i32.gt_s (local.get $x) (local.get $x1))))
        (local.set $y0 (select (local.get $y) (local.get $y0) (i32.lt_s (local.get $y) (local.get $y0))))
        (local.set $y1 (select (local.get $y) (local.get $y1) (i32.gt_s (local.get $y) (local.get $y1))))
        (local.set $z0 (select (local.get $z) (local.get $z0) (i32.lt_s (local.get $z) (local.get $z0))))
        (local.set $z1 (select (local.get $z) (local.get $z1) (i32.gt_s (local.get $z) (local.get $z1))))
        (local.set $b (i32.mul (local.get $i) (i32.const 12)))
        (f32.store offset=1048576 (local.get $b) (f32.demote_f64 (f64.add (f64.mul (f64.convert_i32_s (local.get $x)) (local.get $sx)) (local.get $hx))))
        (f32.store offset=1048580 (local.get $b) (f32.demote_f64 (f64.add (f64.mul (f64.convert_i32_s (local.get $y)) (local.get $sy)) (local.get $hy))))
        (f32.store offset=1048584 (local.get $b) (f32.demote_f64 (f64.add (f64.mul (f64.convert_i32_s (local.get $z)) (local.get $sz)) (local.get $hz))))
        (i32.store16 offset=1146880 (i32.shl (local.get $i) (i32.const 1)) (i32.load16_u offset=12 (local.get $p)))
        (local.set $b (i32.load8_u offset=14 (local.get $p)))
        (i32.store8 offset=1163264 (local.get $i) (i32.and (local.get $b) (i32.const 7)))
        (i32.store8 offset=1171456 (local.get $i) (i32.and (i32.shr_u (local.get $b) (i32.const 3)) (i32.const 7)))
        (local.set $b (i32.load8_u offset=15 (local.get $p)))
        (i32.store8 offset=1179648 (local.get $i) (i32.and (local.get $b) (i32.const 31)))
        (i32.store8 offset=1187840 (local.get $i) (i32.shr_u (local.get $b) (i32.const 5)))
        (i32.store8 offset=1196032 (local.get $i) (i32.load8_u offset=16 (local.get $p)))
        (i32.store8 offset=1204224 (local.get $i) (i32.load8_u offset=17 (local.get $p)))
        (i32.store16 offset=1212416 (i32.shl (local.get $i) (i32.const 1)) (i32.load16_u offset=18 (local.get $p)))
        (if (i32.ge_s (local.get $gpsAt) (i32.const 0))
          (then (i64.store offset=1228800 (i32.shl (local.get $i) (i32.const 3)) (i64.load (i32.add (local.get $p) (local.get $gpsAt))))))
        (if (i32.ge_s (local.get $rgbAt) (i32.const 0))
          (then
            (local.set $b (i32.mul (local.get $i) (i32.const 6)))
            (i32.store offset=1294336 (local.get $b) (i32.load (i32.add (local.get $p) (local.get $rgbAt))))
            (i32.store16 offset=1294340 (local.get $b) (i32.load16_u offset=4 (i32.add (local.get $p) (local.get $rgbAt))))))
        (local.set $p (i32.add (local.get $p) (local.get $len)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $record (i32.lt_u (local.get $i) (local.get $n)))))
    (i32.store offset=0 (i32.const 0) (local.get $x0))
    (i32.store offset=4 (i32.const 0) (local.get $y0))
    (i32.store offset=8 (i32.const 0) (local.get $z0))
    (i32.store offset=12 (i32.const 0) (local.get $x1))
    (i32.store offset=16 (i32.const 0) (local.get $y1))
    (i32.store offset=20 (i32.const 0) (local.get $z1)))
)
