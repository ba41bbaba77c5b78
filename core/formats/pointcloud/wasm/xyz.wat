;; Point-record kernels for the binary point-cloud readers (see xyzKernel.ts).
;;
;; The caller stages a block of records into this module's memory; each kernel walks the records
;; and, per point, moves x y z (three consecutive little-endian float32 values) into a packed
;; positions block with ONE 16-byte load and ONE 16-byte store, and folds the same vector into
;; running min / max vectors (lane 3 holds whatever followed z and is ignored by the caller).
;; Because each store writes 16 bytes where 12 belong to the point, the next point overwrites the
;; spare 4 bytes; the caller leaves 16 bytes of slack after the positions block and after the
;; staged records (the last load reads 4 bytes past z).
;;
;; Bounds use pmin/pmax: pmin(a, b) = b < a ? b : a, so a NaN coordinate never replaces the
;; running value (NaN fails the comparison), matching the JavaScript path.
;; `bounds` points at 8 float32: min x y z _, max x y z _ (read, updated, written back, so bounds
;; accumulate across blocks).
(module
  (memory (export "memory") 1)

  ;; x y z only.
  (func (export "xyz")
    (param $src i32) (param $stride i32) (param $n i32) (param $pos i32) (param $bounds i32)
    (local $lo v128) (local $hi v128) (local $v v128) (local $end i32)
    (local.set $lo (v128.load (local.get $bounds)))
    (local.set $hi (v128.load offset=16 (local.get $bounds)))
    (local.set $end (i32.add (local.get $pos) (i32.mul (local.get $n) (i32.const 12))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $pos) (local.get $end)))
        (local.set $v (v128.load align=1 (local.get $src)))
        (v128.store align=1 (local.get $pos) (local.get $v))
        (local.set $lo (f32x4.pmin (local.get $lo) (local.get $v)))
        (local.set $hi (f32x4.pmax (local.get $hi) (local.get $v)))
        (local.set $src (i32.add (local.get $src) (local.get $stride)))
        (local.set $pos (i32.add (local.get $pos) (i32.const 12)))
        (br $next)))
    (v128.store (local.get $bounds) (local.get $lo))
    (v128.store offset=16 (local.get $bounds) (local.get $hi)))

  ;; x y z plus one 4-byte attribute (e.g. intensity) copied bit for bit into a packed block;
  ;; `delta` is the attribute's byte offset relative to x within the record (may be negative).
  (func (export "xyzExtra")
    (param $src i32) (param $stride i32) (param $n i32) (param $pos i32) (param $bounds i32)
    (param $delta i32) (param $extra i32)
    (local $lo v128) (local $hi v128) (local $v v128) (local $end i32)
    (local.set $lo (v128.load (local.get $bounds)))
    (local.set $hi (v128.load offset=16 (local.get $bounds)))
    (local.set $end (i32.add (local.get $pos) (i32.mul (local.get $n) (i32.const 12))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $pos) (local.get $end)))
        (local.set $v (v128.load align=1 (local.get $src)))
        (v128.store align=1 (local.get $pos) (local.get $v))
        (i32.store (local.get $extra) (i32.load align=1 (i32.add (local.get $src) (local.get $delta))))
        (local.set $lo (f32x4.pmin (local.get $lo) (local.get $v)))
        (local.set $hi (f32x4.pmax (local.get $hi) (local.get $v)))
        (local.set $src (i32.add (local.get $src) (local.get $stride)))
        (local.set $pos (i32.add (local.get $pos) (i32.const 12)))
        (local.set $extra (i32.add (local.get $extra) (i32.const 4)))
        (br $next)))
    (v128.store (local.get $bounds) (local.get $lo))
    (v128.store offset=16 (local.get $bounds) (local.get $hi)))
)
