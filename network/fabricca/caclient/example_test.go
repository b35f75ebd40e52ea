package caclient_test

import (
	"context"
	"fmt"
	"log"
	"path/filepath"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/network/fabricca"
	"github.com/udiledger/udiledger/network/fabricca/caclient"
)

// The hospital's CA of the network of `udi network up` enrols a nurse, once: the wallet keeps
// her identity for later runs.
func Example() {
	cas, err := fabricca.Load("network/run")
	if err != nil {
		log.Fatal(err)
	}
	ca, _ := fabricca.Find(cas, "HospitalOrg")
	c, err := caclient.New(ca, filepath.Join("network/run", "wallet"))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	id, err := c.Person(context.Background(), "nurse1", model.RoleHospital)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(id.MSPID, id.Name)
}
