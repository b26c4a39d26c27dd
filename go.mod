module github.com/hassauth/hassauth

go 1.26.0

require github.com/stretchr/testify v1.12.1

require (
	github.com/google/uuid v1.6.0 // indirect
<<<<<<< HEAD
	go.yaml.in/yaml/v3 v3.0.6 // indirect
=======
	github.com/makiuchi-d/gozxing v0.1.1 // indirect
	github.com/pquerna/otp v1.5.0 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	github.com/tetratelabs/wazero v1.12.0 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
	golang.org/x/crypto v0.59.0 // indirect
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.44.0 // indirect
	golang.org/x/xerrors v0.0.0-20200804184101-5ec99f83aff1 // indirect
>>>>>>> feat/otp
)
