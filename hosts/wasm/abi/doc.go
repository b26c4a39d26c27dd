// Package abi is the message layer of hassauth's WebAssembly ABI (see
// ../ABI.md): the init message, the error envelope, the JSON-lines framing,
// and Instance, which answers each export's message with JSON. The reactor
// in ../guest exports Instance's methods; the JSON-lines command in
// hosts/wasi serves them over stdin and stdout; hosts may also run an
// Instance natively to get the very same answers without WebAssembly.
//
// It must stay free of I/O beyond the io.Reader and io.Writer it is handed
// and of fmt and encoding/json, which would grow the module.
package abi
