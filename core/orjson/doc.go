// Package orjson reads and writes JSON the way Home Assistant does with
// orjson: object keys keep their order, strings are written as UTF-8 without
// escaping anything but quotes, backslashes and control characters, and
// documents are written either compact (HTTP bodies, websocket frames) or with
// two-space indentation (files under .storage).
//
// The encoder is a streaming writer into a byte slice, so that large stored
// documents and hot-path replies are produced without reflection. The parser
// keeps key order too, because Home Assistant's validation reports the first
// offending key in the order the client sent it.
//
// The package is pure: no I/O, no clock, no global state.
package orjson
