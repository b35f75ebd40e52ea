package fabricca_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/udiledger/udiledger/network/fabricca"
)

// Start the CA of an organisation whose crypto material cryptogen wrote, on the
// organisation's address.
func ExampleStart() {
	cfg := fabricca.Config{
		RunDir: "network/run",
		BinDir: os.ExpandEnv("$HOME/.cache/udiledger/fabric-ca/v1.5.15/bin"),
		Orgs: []fabricca.Org{fabricca.CryptogenOrg("HospitalOrg", "HospitalOrgMSP", "127.0.0.5",
			"network/run/crypto/peerOrganizations/hospital.udi.example")},
	}
	cas, err := fabricca.Start(context.Background(), cfg, os.Stderr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cas[0].URL) // https://127.0.0.5:7054
}
