package testvectors

//go:generate go run ./cmd/genvectors -dir .
