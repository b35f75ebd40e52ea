package identity_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/identity"
	"github.com/udiledger/udiledger/network/fabricca"
)

// A hospital registers a nurse at its CA and enrols her; her identity then signs transactions
// and the chaincode sees role=hospital.
func Example() {
	cas, err := fabricca.Load("network/run")
	if err != nil {
		log.Fatal(err)
	}
	ca, _ := fabricca.Find(cas, "HospitalOrg")
	tlsCA, err := os.ReadFile(ca.TLSCACert)
	if err != nil {
		log.Fatal(err)
	}
	c, err := identity.New(identity.CA{
		Org: ca.Org, MSPID: ca.MSPID, Name: ca.Name, URL: ca.URL, TLSCACert: tlsCA,
		Registrar: identity.Registrar{Name: ca.Registrar.Name, Secret: ca.Registrar.Secret},
	}, identity.Wallet{Dir: "network/run/wallet"})
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
