;; LZF decoder (PCD binary_compressed) for lzfKernel.ts.
;;
;; The caller streams the compressed input through a small region of memory in chunks and the
;; whole output is written to memory. `decode` stops cleanly before a token that may straddle the
;; end of a non-final chunk (a token is at most 35 bytes: control, length, offset, 32 literals), so
;; the caller can refill from the token's start. Every read and write is checked against the given
;; ends, so corrupt input ends in an error code, never a wild write.
;;
;; Speed: literal runs (at most 32 bytes) are copied with two unaligned 16-byte vector moves, and
;; back references whose distance is at least 16 in 16-byte chunks (each chunk only reads bytes
;; that were final before it is written). Both may write up to 31 bytes past the run's end, into
;; output not produced yet or into the 64 bytes of slack the caller leaves after both regions.
;; Short-distance references (runs that overlap their own output) are copied byte by byte.
;;
;; Returns 0 when the chunk is consumed, 1 when more input is needed, 7 when `op` has reached
;; `softEnd` (a windowed caller hands the finished output on and slides its window; pass -1 for
;; "never"), or an error code (see lzfKernel.ts). The globals `ip` / `op` hold the positions
;; reached (the token start on errors; on 7 nothing of the token is consumed yet).
(module
  (import "env" "memory" (memory 1))
  (global $ipOut (export "ip") (mut i32) (i32.const 0))
  (global $opOut (export "op") (mut i32) (i32.const 0))

  (func (export "decode")
    (param $ip i32) (param $inEnd i32) (param $op i32) (param $outEnd i32) (param $outBase i32) (param $final i32) (param $softEnd i32)
    (result i32)
    (local $start i32) (local $ctrl i32) (local $len i32) (local $ref i32) (local $k i32) (local $status i32)
    (local.set $status
      (block $exit (result i32)
        (loop $token
          (local.set $start (local.get $ip))
          (if (i32.ge_u (local.get $ip) (local.get $inEnd)) (then (br $exit (i32.const 0))))
          (if (i32.and (i32.eqz (local.get $final)) (i32.gt_u (i32.add (local.get $ip) (i32.const 35)) (local.get $inEnd))) (then (br $exit (i32.const 1))))
          (if (i32.ge_u (local.get $op) (local.get $softEnd)) (then (br $exit (i32.const 7))))
          (local.set $ctrl (i32.load8_u (local.get $ip)))
          (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
          (if (i32.lt_u (local.get $ctrl) (i32.const 32))
            (then
              ;; literal run of ctrl + 1 bytes
              (local.set $len (i32.add (local.get $ctrl) (i32.const 1)))
              (if (i32.gt_u (i32.add (local.get $ip) (local.get $len)) (local.get $inEnd)) (then (br $exit (i32.const 2))))
              (if (i32.gt_u (i32.add (local.get $op) (local.get $len)) (local.get $outEnd)) (then (br $exit (i32.const 3))))
              (v128.store align=1 (local.get $op) (v128.load align=1 (local.get $ip)))
              (v128.store offset=16 align=1 (local.get $op) (v128.load offset=16 align=1 (local.get $ip)))
              (local.set $ip (i32.add (local.get $ip) (local.get $len)))
              (local.set $op (i32.add (local.get $op) (local.get $len)))
              (br $token)))
          ;; back reference: length in the top 3 bits (7: one more length byte), 13-bit distance
          (local.set $len (i32.shr_u (local.get $ctrl) (i32.const 5)))
          (if (i32.eq (local.get $len) (i32.const 7))
            (then
              (if (i32.ge_u (local.get $ip) (local.get $inEnd)) (then (br $exit (i32.const 4))))
              (local.set $len (i32.add (local.get $len) (i32.load8_u (local.get $ip))))
              (local.set $ip (i32.add (local.get $ip) (i32.const 1)))))
          (if (i32.ge_u (local.get $ip) (local.get $inEnd)) (then (br $exit (i32.const 5))))
          (local.set $ref
            (i32.sub
              (i32.sub (local.get $op) (i32.shl (i32.and (local.get $ctrl) (i32.const 31)) (i32.const 8)))
              (i32.add (i32.load8_u (local.get $ip)) (i32.const 1))))
          (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
          (local.set $len (i32.add (local.get $len) (i32.const 2)))
          (if (i32.lt_s (local.get $ref) (local.get $outBase)) (then (br $exit (i32.const 6))))
          (if (i32.gt_u (i32.add (local.get $op) (local.get $len)) (local.get $outEnd)) (then (br $exit (i32.const 3))))
          (local.set $k (i32.const 0))
          (if (i32.ge_u (i32.sub (local.get $op) (local.get $ref)) (i32.const 16))
            (then
              (loop $chunk
                (v128.store align=1 (i32.add (local.get $op) (local.get $k)) (v128.load align=1 (i32.add (local.get $ref) (local.get $k))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br_if $chunk (i32.lt_u (local.get $k) (local.get $len)))))
            (else
              (loop $byte
                (i32.store8 (i32.add (local.get $op) (local.get $k)) (i32.load8_u (i32.add (local.get $ref) (local.get $k))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br_if $byte (i32.lt_u (local.get $k) (local.get $len))))))
          (local.set $op (i32.add (local.get $op) (local.get $len)))
          (br $token))
        (unreachable)))
    ;; On an error, report the token's start so messages point at it.
    (global.set $ipOut (select (local.get $ip) (local.get $start) (i32.lt_u (local.get $status) (i32.const 2))))
    (global.set $opOut (local.get $op))
    (local.get $status))
;; The extremes of `count` float32 values at `ptr` (unaligned allowed), folded into the two
  ;; float32 at `out` (min, max) with JavaScript's `if (v < lo) lo = v; if (v > hi) hi = v` (NaN never
  ;; widens them): the bounds of a run of x, y or z that lzfKernel.ts's caller copies as int32 bits.
  (func (export "fold") (param $ptr i32) (param $count i32) (param $out i32)
    (local $end i32) (local $v f32) (local $lo f32) (local $hi f32)
    (local.set $lo (f32.load (local.get $out)))
    (local.set $hi (f32.load offset=4 (local.get $out)))
    (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
      (loop $value
        (local.set $v (f32.load align=1 (local.get $ptr)))
        (local.set $lo (select (local.get $v) (local.get $lo) (f32.lt (local.get $v) (local.get $lo))))
        (local.set $hi (select (local.get $v) (local.get $hi) (f32.gt (local.get $v) (local.get $hi))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
        (br_if $value (i32.lt_u (local.get $ptr) (local.get $end)))))
    (f32.store (local.get $out) (local.get $lo))
    (f32.store offset=4 (local.get $out) (local.get $hi)))
)
