// Pins the Pulumi CLI the tests run (scripts/pulumi-cli.sh builds it from here; see tools.go).
module pulumi-cloudflare-workers/tools/pulumi-cli

go 1.26.6

require (
	github.com/pulumi/pulumi/pkg/v3 v3.274.1
	github.com/pulumi/pulumi/sdk/v3 v3.274.1
)

// The CLI's own go.mod replaces clipboard with this fork; a dependency's replace directives do not apply to
// the module that requires it, so it is repeated here to build the CLI as its release is built.
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
