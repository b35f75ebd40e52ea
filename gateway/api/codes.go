package api

import (
	"fmt"

	"github.com/udiledger/udiledger/chaincode/gs1"
	"github.com/udiledger/udiledger/chaincode/identifier"
)

// codeReader reads the codes that enter through the gateway: request fields, scanner lines,
// Digital Links at the resolver. With a GS1 Company Prefix list configured
// (Options.CompanyPrefixes), a GS1 key must start with one of its prefixes where the GS1
// syntax dictionary's gcppos1 and gcppos2 linters say (docs/identifiers.md); without one, any
// code package identifier parses passes.
type codeReader struct {
	prefixes *gs1.Prefixes
}

func (r codeReader) parse(s string) (identifier.Code, error) {
	c, err := identifier.Parse(s)
	if err != nil || r.prefixes == nil || c.Scheme != identifier.SchemeGS1 {
		return c, err
	}
	if err := (gs1.Parser{Prefixes: r.prefixes}).Validate(c.AIs); err != nil {
		return identifier.Code{}, fmt.Errorf("%w (the gateway's GS1 Company Prefix list)", err)
	}
	return c, nil
}
