//go:build tools

// Package tools pins the Pulumi CLI this project tests against. `go install pkg@version` refuses
// github.com/pulumi/pulumi/pkg/v3 (its go.mod has replace directives), so scripts/pulumi-cli.sh builds its
// main package from inside this module instead:
//
//	go build -o <cache>/pulumi -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v<version>" \
//	    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
