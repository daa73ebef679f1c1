;; The proxy's JSON check (R-9: a body that is not JSON becomes a 502) in WebAssembly text. `npm run gen:wasm`
;; assembles it into json-check.wasm.gen.ts (base64); `npm run gen:check` fails when that file is stale.
;;
;; check(n) → 1 when the n bytes at [1024, 1024+n) are exactly one JSON value (RFC 8259 grammar) with optional
;; whitespace around it, else 0. UTF-8 is checked outside (node:buffer isUtf8); bytes ≥ 0x80 are accepted in strings.
;; The caller writes 16 zero bytes after the input: a zero byte is never valid JSON, so every scan stops at the
;; padding without a bounds test, and a 16-byte load that starts inside the input never leaves the padding.
;; Nesting deeper than 512 is refused; the stack of open containers ('{' or '[', one byte per level) is at [0, 512).
;; Strings, ~70 % of a page of numbers, are scanned 16 bytes at a time (i8x16 compares and a bitmask): three times
;; as fast as the same grammar in JavaScript on a 50 KB page (docs/performance.md, change 35).
(module
  (memory (export "memory") 1)
  (func $ws (param $i i32) (result i32)
    (local $c i32)
    (block $done
      (loop $l
        (local.set $c (i32.load8_u (local.get $i)))
        (br_if $done (i32.eqz
          (i32.or (i32.or (i32.eq (local.get $c) (i32.const 0x20)) (i32.eq (local.get $c) (i32.const 0x0a)))
                  (i32.or (i32.eq (local.get $c) (i32.const 0x0d)) (i32.eq (local.get $c) (i32.const 0x09))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $i))
  ;; Index of the first byte that is not an ASCII digit, from $i.
  (func $digits (param $i i32) (result i32)
    (block $done
      (loop $l
        (br_if $done (i32.gt_u (i32.sub (i32.load8_u (local.get $i)) (i32.const 0x30)) (i32.const 9)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $i))
  (func $hex (param $c i32) (result i32)
    (i32.or
      (i32.le_u (i32.sub (local.get $c) (i32.const 0x30)) (i32.const 9))
      (i32.le_u (i32.sub (i32.or (local.get $c) (i32.const 0x20)) (i32.const 0x61)) (i32.const 5))))
  (func (export "check") (param $n i32) (result i32)
    (local $i i32) (local $end i32) (local $c i32) (local $depth i32) (local $wantKey i32) (local $top i32)
    (local $v v128) (local $bits i32) (local $start i32)
    (local.set $i (i32.const 1024))
    (local.set $end (i32.add (i32.const 1024) (local.get $n)))
    (loop $value
      (if (i32.le_u (i32.load8_u (local.get $i)) (i32.const 0x20)) (then (local.set $i (call $ws (local.get $i)))))
      (local.set $c (i32.load8_u (local.get $i)))
      (if (i32.and (local.get $wantKey) (i32.ne (local.get $c) (i32.const 0x22))) (then (return (i32.const 0))))
      (block $afterValue
        ;; string
        (if (i32.eq (local.get $c) (i32.const 0x22))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (block $closed
              (loop $chars
                ;; 16 bytes at a time: stop at the first '"', '\' or byte < 0x20 (the padding's zeros included).
                (local.set $v (v128.load (local.get $i)))
                (local.set $bits (i8x16.bitmask (v128.or
                  (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22)))
                           (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5c))))
                  (i8x16.lt_u (local.get $v) (i8x16.splat (i32.const 0x20))))))
                (if (i32.eqz (local.get $bits))
                  (then (local.set $i (i32.add (local.get $i) (i32.const 16))) (br $chars)))
                (local.set $i (i32.add (local.get $i) (i32.ctz (local.get $bits))))
                (local.set $c (i32.load8_u (local.get $i)))
                (if (i32.eq (local.get $c) (i32.const 0x22))
                  (then (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $closed)))
                (if (i32.ne (local.get $c) (i32.const 0x5c)) (then (return (i32.const 0)))) ;; a control byte, or the padding (not closed)
                (local.set $c (i32.load8_u offset=1 (local.get $i)))
                (if (i32.eq (local.get $c) (i32.const 0x75))
                  (then
                    (if (i32.eqz (i32.and
                          (i32.and (call $hex (i32.load8_u offset=2 (local.get $i))) (call $hex (i32.load8_u offset=3 (local.get $i))))
                          (i32.and (call $hex (i32.load8_u offset=4 (local.get $i))) (call $hex (i32.load8_u offset=5 (local.get $i))))))
                      (then (return (i32.const 0))))
                    (local.set $i (i32.add (local.get $i) (i32.const 6)))
                    (br $chars)))
                ;; " \ / b f n r t
                (if (i32.or
                      (i32.or (i32.or (i32.eq (local.get $c) (i32.const 0x22)) (i32.eq (local.get $c) (i32.const 0x5c)))
                              (i32.or (i32.eq (local.get $c) (i32.const 0x2f)) (i32.eq (local.get $c) (i32.const 0x62))))
                      (i32.or (i32.or (i32.eq (local.get $c) (i32.const 0x66)) (i32.eq (local.get $c) (i32.const 0x6e)))
                              (i32.or (i32.eq (local.get $c) (i32.const 0x72)) (i32.eq (local.get $c) (i32.const 0x74)))))
                  (then (local.set $i (i32.add (local.get $i) (i32.const 2))) (br $chars)))
                (return (i32.const 0))))
            (if (local.get $wantKey)
              (then
                (if (i32.le_u (i32.load8_u (local.get $i)) (i32.const 0x20)) (then (local.set $i (call $ws (local.get $i)))))
                (if (i32.ne (i32.load8_u (local.get $i)) (i32.const 0x3a)) (then (return (i32.const 0))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (local.set $wantKey (i32.const 0))
                (br $value)))
            (br $afterValue)))
        ;; { or [
        (if (i32.or (i32.eq (local.get $c) (i32.const 0x7b)) (i32.eq (local.get $c) (i32.const 0x5b)))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (if (i32.le_u (i32.load8_u (local.get $i)) (i32.const 0x20)) (then (local.set $i (call $ws (local.get $i)))))
            ;; '{' + 2 = '}', '[' + 2 = ']'
            (if (i32.eq (i32.load8_u (local.get $i)) (i32.add (local.get $c) (i32.const 2)))
              (then (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $afterValue)))
            (if (i32.ge_u (local.get $depth) (i32.const 512)) (then (return (i32.const 0))))
            (i32.store8 (local.get $depth) (local.get $c))
            (local.set $depth (i32.add (local.get $depth) (i32.const 1)))
            (local.set $wantKey (i32.eq (local.get $c) (i32.const 0x7b)))
            (br $value)))
        ;; true false null: compared as little-endian words ('true' = 0x65757274, 'fals' = 0x736c6166, 'null' = 0x6c6c756e)
        (if (i32.eq (local.get $c) (i32.const 0x74))
          (then
            (if (i32.ne (i32.load (local.get $i)) (i32.const 0x65757274)) (then (return (i32.const 0))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $afterValue)))
        (if (i32.eq (local.get $c) (i32.const 0x66))
          (then
            (if (i32.or (i32.ne (i32.load (local.get $i)) (i32.const 0x736c6166))
                        (i32.ne (i32.load8_u offset=4 (local.get $i)) (i32.const 0x65)))
              (then (return (i32.const 0))))
            (local.set $i (i32.add (local.get $i) (i32.const 5)))
            (br $afterValue)))
        (if (i32.eq (local.get $c) (i32.const 0x6e))
          (then
            (if (i32.ne (i32.load (local.get $i)) (i32.const 0x6c6c756e)) (then (return (i32.const 0))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $afterValue)))
        ;; number: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
        (if (i32.eq (local.get $c) (i32.const 0x2d))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $c (i32.load8_u (local.get $i)))))
        (if (i32.eq (local.get $c) (i32.const 0x30))
          (then (local.set $i (i32.add (local.get $i) (i32.const 1))))
          (else
            (if (i32.gt_u (i32.sub (local.get $c) (i32.const 0x31)) (i32.const 8)) (then (return (i32.const 0))))
            (local.set $i (call $digits (i32.add (local.get $i) (i32.const 1))))))
        (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 0x2e))
          (then
            (local.set $start (i32.add (local.get $i) (i32.const 1)))
            (local.set $i (call $digits (local.get $start)))
            (if (i32.eq (local.get $i) (local.get $start)) (then (return (i32.const 0))))))
        (if (i32.eq (i32.or (i32.load8_u (local.get $i)) (i32.const 0x20)) (i32.const 0x65))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $c (i32.load8_u (local.get $i)))
            (if (i32.or (i32.eq (local.get $c) (i32.const 0x2b)) (i32.eq (local.get $c) (i32.const 0x2d)))
              (then (local.set $i (i32.add (local.get $i) (i32.const 1)))))
            (local.set $start (local.get $i))
            (local.set $i (call $digits (local.get $start)))
            (if (i32.eq (local.get $i) (local.get $start)) (then (return (i32.const 0)))))))
      ;; after a value: close containers, or a comma and the next member
      (loop $after
        (if (i32.le_u (i32.load8_u (local.get $i)) (i32.const 0x20)) (then (local.set $i (call $ws (local.get $i)))))
        (if (i32.eqz (local.get $depth)) (then (return (i32.eq (local.get $i) (local.get $end)))))
        (local.set $c (i32.load8_u (local.get $i)))
        (local.set $top (i32.load8_u (i32.sub (local.get $depth) (i32.const 1))))
        (if (i32.eq (local.get $c) (i32.const 0x2c))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $wantKey (i32.eq (local.get $top) (i32.const 0x7b)))
            (br $value)))
        (if (i32.eq (local.get $c) (i32.add (local.get $top) (i32.const 2)))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
            (br $after)))
        (return (i32.const 0))))
    (i32.const 0)))
