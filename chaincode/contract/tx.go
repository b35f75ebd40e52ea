package contract

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/model"
)

// txn is one transaction's view: the stub, its timestamp and caller, and caches of the
// master data and containers it read or wrote. Fabric reads see committed state only, so
// records written earlier in the same transaction are served from these caches.
type txn struct {
	stub    shim.ChaincodeStubInterface
	ctx     contractapi.TransactionContextInterface
	cfg     *Config
	now     time.Time
	nowText string
	// declared is the event time a request declares (UTC text) and declaredOffset its
	// offset; empty when the event happened at the transaction time.
	declared       string
	declaredOffset string
	txID           string
	caller         string
	parties        map[string]*model.Party
	products       map[string]*model.Product
	lots           map[string]*model.Lot
	containers     map[string]*model.Container
	units          map[string]*model.Unit
	stocks         map[string]*model.Stock
	// guards maps the state key of every unit and container read or written to the owner
	// its key-level endorsement policy names (see endorsement.go).
	guards map[string]string
	// policies caches the parties and key-level policies of this transaction.
	policies keyPolicies
	// captured is the EPCIS event this transaction keeps whole (epcis:Capture), if any.
	captured *captured
	// glns maps the GLNs of parties' locations to their MSP IDs (readGLNs).
	glns map[string]string
	// inSubmit marks a transaction that writes: its scans cannot page (scopeUnits).
	inSubmit bool
	// batchIndex is the index of the scan this txn runs in a unit:Scans transaction (0 outside).
	batchIndex int
}

func begin(ctx contractapi.TransactionContextInterface, cfg *Config) (*txn, error) {
	stub := ctx.GetStub()
	ts, err := stub.GetTxTimestamp()
	if err != nil {
		return nil, fmt.Errorf("read transaction timestamp: %w", err)
	}
	msp, err := ctx.GetClientIdentity().GetMSPID()
	if err != nil {
		return nil, fmt.Errorf("read caller msp id: %w", err)
	}
	now := ts.AsTime().UTC()
	var cap *captured
	if c, ok := ctx.(*capturingContext); ok {
		cap = c.captured
	}
	t := &txn{
		captured: cap,
		stub:     stub, ctx: ctx, cfg: cfg, now: now, nowText: model.FormatTime(now),
		txID: stub.GetTxID(), caller: msp,
		parties: map[string]*model.Party{}, products: map[string]*model.Product{},
		lots: map[string]*model.Lot{}, containers: map[string]*model.Container{},
		units: map[string]*model.Unit{}, stocks: map[string]*model.Stock{},
		guards: map[string]string{},
	}
	if b, ok := ctx.(*batchContext); ok {
		b.share(t)
	}
	return t, nil
}

func (t *txn) key(objectType string, attrs ...string) (string, error) {
	k, err := t.stub.CreateCompositeKey(objectType, attrs)
	if err != nil {
		return "", model.Invalid("key %s %q: %v", objectType, attrs, err)
	}
	return k, nil
}

// getJSON reads key into v and reports whether it exists.
func (t *txn) getJSON(key string, v any) (bool, error) {
	b, err := t.stub.GetState(key)
	if err != nil {
		return false, fmt.Errorf("read state: %w", err)
	}
	if b == nil {
		return false, nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("decode %q: %w", key, err)
	}
	return true, nil
}

func (t *txn) putJSON(key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %q: %w", key, err)
	}
	if err := t.stub.PutState(key, b); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	return nil
}

func (t *txn) putIndex(objectType string, attrs ...string) error {
	k, err := t.key(objectType, attrs...)
	if err != nil {
		return err
	}
	if err := t.stub.PutState(k, indexValue); err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	return nil
}

func (t *txn) delIndex(objectType string, attrs ...string) error {
	k, err := t.key(objectType, attrs...)
	if err != nil {
		return err
	}
	if err := t.stub.DelState(k); err != nil {
		return fmt.Errorf("delete index: %w", err)
	}
	return nil
}

// emit sets the transaction's one chaincode event.
func (t *txn) emit(n model.Notification) error {
	n.Actor, n.Time, n.TxID = t.caller, t.nowText, t.txID
	b, err := json.Marshal(n)
	if err != nil {
		return fmt.Errorf("encode notification: %w", err)
	}
	if err := t.stub.SetEvent(model.ChaincodeEventName, b); err != nil {
		return fmt.Errorf("set chaincode event: %w", err)
	}
	return nil
}
