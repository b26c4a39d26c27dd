module github.com/hassauth/hassauth

go 1.26.0

require github.com/stretchr/testify v1.12.1

require (
	github.com/google/uuid v1.6.0 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
)
