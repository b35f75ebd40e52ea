package embedded_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// assetContract is a tiny chaincode exercising the stub as the real contract would.
type assetContract struct{ contractapi.Contract }

func newTestChaincode() *contractapi.ContractChaincode {
	c := &assetContract{}
	c.Name = "asset"
	cc, err := contractapi.NewChaincode(c)
	if err != nil {
		panic(err)
	}
	return cc
}

// Create writes an asset owned by owner, with an owner index entry.
func (c *assetContract) Create(ctx contractapi.TransactionContextInterface, id, owner string) error {
	stub := ctx.GetStub()
	old, err := stub.GetState(id)
	if err != nil {
		return err
	}
	if old != nil {
		return fmt.Errorf("CONFLICT: asset %s exists", id)
	}
	if err := stub.PutState(id, []byte(owner)); err != nil {
		return err
	}
	idx, err := stub.CreateCompositeKey("owner~id", []string{owner, id})
	if err != nil {
		return err
	}
	if err := stub.PutState(idx, []byte{0}); err != nil {
		return err
	}
	return stub.SetEvent("Created", []byte(id))
}

// Move changes the owner of an asset from from to to.
func (c *assetContract) Move(ctx contractapi.TransactionContextInterface, id, from, to string) error {
	stub := ctx.GetStub()
	owner, err := stub.GetState(id)
	if err != nil {
		return err
	}
	if owner == nil {
		return fmt.Errorf("NOT_FOUND: asset %s", id)
	}
	if string(owner) != from {
		return fmt.Errorf("FORBIDDEN: asset %s is owned by %s", id, owner)
	}
	if err := stub.PutState(id, []byte(to)); err != nil {
		return err
	}
	for _, o := range []struct {
		owner string
		put   bool
	}{{from, false}, {to, true}} {
		idx, err := stub.CreateCompositeKey("owner~id", []string{o.owner, id})
		if err != nil {
			return err
		}
		if o.put {
			err = stub.PutState(idx, []byte{0})
		} else {
			err = stub.DelState(idx)
		}
		if err != nil {
			return err
		}
	}
	if err := stub.SetEvent("First", []byte("replaced")); err != nil {
		return err
	}
	return stub.SetEvent("Moved", []byte(id+":"+to))
}

// Put writes key blind, without reading it.
func (c *assetContract) Put(ctx contractapi.TransactionContextInterface, key, value string) error {
	return ctx.GetStub().PutState(key, []byte(value))
}

// Delete deletes key.
func (c *assetContract) Delete(ctx contractapi.TransactionContextInterface, key string) error {
	return ctx.GetStub().DelState(key)
}

// Get returns the committed value of key.
func (c *assetContract) Get(ctx contractapi.TransactionContextInterface, key string) (string, error) {
	v, err := ctx.GetStub().GetState(key)
	return string(v), err
}

// PutThenGet writes key and reads it back in the same transaction.
func (c *assetContract) PutThenGet(ctx contractapi.TransactionContextInterface, key, value string) (string, error) {
	stub := ctx.GetStub()
	if err := stub.PutState(key, []byte(value)); err != nil {
		return "", err
	}
	v, err := stub.GetState(key)
	return string(v), err
}

// Range lists keys in [start, end) joined by commas.
func (c *assetContract) Range(ctx contractapi.TransactionContextInterface, start, end string) (string, error) {
	it, err := ctx.GetStub().GetStateByRange(start, end)
	if err != nil {
		return "", err
	}
	return join(it)
}

// RangeThenPut scans a range, then writes key (a phantom read candidate).
func (c *assetContract) RangeThenPut(ctx contractapi.TransactionContextInterface, start, end, key string) (string, error) {
	stub := ctx.GetStub()
	it, err := stub.GetStateByRange(start, end)
	if err != nil {
		return "", err
	}
	keys, err := join(it)
	if err != nil {
		return "", err
	}
	return keys, stub.PutState(key, []byte("x"))
}

// ByOwner lists the assets of owner through the composite key index.
func (c *assetContract) ByOwner(ctx contractapi.TransactionContextInterface, owner string) (string, error) {
	stub := ctx.GetStub()
	it, err := stub.GetStateByPartialCompositeKey("owner~id", []string{owner})
	if err != nil {
		return "", err
	}
	defer it.Close()
	var ids []string
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return "", err
		}
		_, parts, err := stub.SplitCompositeKey(kv.Key)
		if err != nil {
			return "", err
		}
		ids = append(ids, parts[1])
	}
	return strings.Join(ids, ","), nil
}

// Page returns one page of a range as "k1,k2|bookmark".
func (c *assetContract) Page(ctx contractapi.TransactionContextInterface, start, end string, size int, bookmark string) (string, error) {
	it, md, err := ctx.GetStub().GetStateByRangeWithPagination(start, end, int32(size), bookmark)
	if err != nil {
		return "", err
	}
	keys, err := join(it)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s|%s|%d", keys, md.Bookmark, md.FetchedRecordsCount), nil
}

// OwnerPage returns one page of the owner index as "id1,id2|bookmark".
func (c *assetContract) OwnerPage(ctx contractapi.TransactionContextInterface, owner string, size int, bookmark string) (string, error) {
	stub := ctx.GetStub()
	it, md, err := stub.GetStateByPartialCompositeKeyWithPagination("owner~id", []string{owner}, int32(size), bookmark)
	if err != nil {
		return "", err
	}
	var ids []string
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return "", err
		}
		_, parts, err := stub.SplitCompositeKey(kv.Key)
		if err != nil {
			return "", err
		}
		ids = append(ids, parts[1])
	}
	return strings.Join(ids, ",") + "|" + md.Bookmark, nil
}

// History returns the history of key as JSON.
func (c *assetContract) History(ctx contractapi.TransactionContextInterface, key string) (string, error) {
	it, err := ctx.GetStub().GetHistoryForKey(key)
	if err != nil {
		return "", err
	}
	defer it.Close()
	type entry struct {
		TxID     string `json:"txID"`
		Value    string `json:"value"`
		Time     int64  `json:"time"`
		IsDelete bool   `json:"isDelete"`
	}
	var out []entry
	for it.HasNext() {
		m, err := it.Next()
		if err != nil {
			return "", err
		}
		out = append(out, entry{m.TxId, string(m.Value), m.Timestamp.AsTime().UnixNano(), m.IsDelete})
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// Rich runs a CouchDB query.
func (c *assetContract) Rich(ctx contractapi.TransactionContextInterface, query string) error {
	_, err := ctx.GetStub().GetQueryResult(query)
	return err
}

// Whoami returns the creator's MSP ID, role attribute and the transaction's ID, channel and
// timestamp.
func (c *assetContract) Whoami(ctx contractapi.TransactionContextInterface) (string, error) {
	stub := ctx.GetStub()
	msp, err := cid.GetMSPID(stub)
	if err != nil {
		return "", err
	}
	role, _, err := cid.GetAttributeValue(stub, "role")
	if err != nil {
		return "", err
	}
	ts, err := stub.GetTxTimestamp()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s|%s|%s|%s|%d", msp, role, stub.GetTxID(), stub.GetChannelID(), ts.AsTime().UnixNano()), nil
}

// Args returns the stub's arguments joined by commas.
func (c *assetContract) Args(ctx contractapi.TransactionContextInterface, _ string) (string, error) {
	return strings.Join(ctx.GetStub().GetStringArgs(), ","), nil
}

// PutSecret stores the transient "secret" in a collection.
func (c *assetContract) PutSecret(ctx contractapi.TransactionContextInterface, coll, key string) error {
	t, err := ctx.GetStub().GetTransient()
	if err != nil {
		return err
	}
	v, ok := t["secret"]
	if !ok {
		return errors.New("INVALID: transient secret missing")
	}
	return ctx.GetStub().PutPrivateData(coll, key, v)
}

// PurgeSecret purges a private value.
func (c *assetContract) PurgeSecret(ctx contractapi.TransactionContextInterface, coll, key string) error {
	return ctx.GetStub().PurgePrivateData(coll, key)
}

// GetSecret reads a private value.
func (c *assetContract) GetSecret(ctx contractapi.TransactionContextInterface, coll, key string) (string, error) {
	v, err := ctx.GetStub().GetPrivateData(coll, key)
	return string(v), err
}

// SecretHash returns the hex hash of a private value.
func (c *assetContract) SecretHash(ctx contractapi.TransactionContextInterface, coll, key string) (string, error) {
	v, err := ctx.GetStub().GetPrivateDataHash(coll, key)
	return fmt.Sprintf("%x", v), err
}

// SecretRange lists a collection's keys.
func (c *assetContract) SecretRange(ctx contractapi.TransactionContextInterface, coll string) (string, error) {
	it, err := ctx.GetStub().GetPrivateDataByRange(coll, "", "")
	if err != nil {
		return "", err
	}
	return join(it)
}

// PutThenSecretRange writes, then scans a collection.
func (c *assetContract) PutThenSecretRange(ctx contractapi.TransactionContextInterface, coll string) error {
	if err := ctx.GetStub().PutState("w", []byte("x")); err != nil {
		return err
	}
	_, err := ctx.GetStub().GetPrivateDataByRange(coll, "", "")
	return err
}

// gate, when set, holds ReadThenWrite between its read and its write, so a test can order
// transactions in a block.
var gate chan struct{}

// ReadThenWrite reads key's history (history true) or value, then writes out.
func (c *assetContract) ReadThenWrite(ctx contractapi.TransactionContextInterface, key string, history bool, out string) error {
	stub := ctx.GetStub()
	if history {
		it, err := stub.GetHistoryForKey(key)
		if err != nil {
			return err
		}
		_ = it.Close()
	} else if _, err := stub.GetState(key); err != nil {
		return err
	}
	if gate != nil {
		<-gate
	}
	return stub.PutState(out, []byte("x"))
}

// FirstThenWrite reads the first key of a range, then writes out.
func (c *assetContract) FirstThenWrite(ctx contractapi.TransactionContextInterface, start, end, out string) (string, error) {
	stub := ctx.GetStub()
	it, err := stub.GetStateByRange(start, end)
	if err != nil {
		return "", err
	}
	first := ""
	if it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return "", err
		}
		first = kv.Key
	}
	_ = it.Close()
	if gate != nil {
		<-gate
	}
	return first, stub.PutState(out, []byte("x"))
}

// PutMany writes n keys prefix0000… in one transaction.
func (c *assetContract) PutMany(ctx contractapi.TransactionContextInterface, prefix string, n int) error {
	for i := range n {
		if err := ctx.GetStub().PutState(fmt.Sprintf("%s%06d", prefix, i), []byte("0123456789abcdef0123456789abcdef")); err != nil {
			return err
		}
	}
	return nil
}

// SetPolicy sets and GetPolicy reads a key's validation parameter.
func (c *assetContract) SetPolicy(ctx contractapi.TransactionContextInterface, key, ep string) error {
	return ctx.GetStub().SetStateValidationParameter(key, []byte(ep))
}

// GetPolicy reads a key's validation parameter.
func (c *assetContract) GetPolicy(ctx contractapi.TransactionContextInterface, key string) (string, error) {
	ep, err := ctx.GetStub().GetStateValidationParameter(key)
	return string(ep), err
}

// Invoke calls another chaincode.
func (c *assetContract) Invoke(ctx contractapi.TransactionContextInterface) error {
	resp := ctx.GetStub().InvokeChaincode("other", nil, "")
	if resp.Status >= 400 {
		return errors.New(resp.Message)
	}
	return nil
}

func join(it shim.StateQueryIteratorInterface) (string, error) {
	defer it.Close()
	var keys []string
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return "", err
		}
		keys = append(keys, kv.Key)
	}
	return strings.Join(keys, ","), nil
}
