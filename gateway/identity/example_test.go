package identity_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/identity"
)

// A hospital registers a nurse at its CA and enrols her; her identity then signs transactions
// and the chaincode sees role=hospital. (On the local network, caclient.New in
// network/fabricca/caclient fills in the CA from the network's run directory.)
func Example() {
	tlsCA, err := os.ReadFile("/etc/udi/hospital-ca-tls.pem")
	if err != nil {
		log.Fatal(err)
	}
	c, err := identity.New(identity.CA{
		Org: "HospitalOrg", MSPID: "HospitalOrgMSP", Name: "ca-hospitalorg", URL: "https://ca.hospital.example:7054",
		TLSCACert: tlsCA, Registrar: identity.Registrar{Name: "registrar", Secret: os.Getenv("CA_REGISTRAR_SECRET")},
	}, identity.Wallet{Dir: "wallet"})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	secret, err := c.Register(ctx, identity.Registration{Name: "nurse1", Role: model.RoleHospital})
	if err != nil {
		log.Fatal(err)
	}
	id, err := c.Enroll(ctx, "nurse1", secret)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(id.MSPID, id.Name)
}
