package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"

	"github.com/udiledger/udiledger/chaincode/model"
)

// Scans records a scanner station's scans in one transaction, in the order sent (ADR 036).
// Each scan runs its single transaction (unit:Inspect, unit:Receive, unit:Ship, unit:Return,
// unit:Destroy, unit:Decommission) as it would on its own: the same rules, its own event ID
// and replay, its own result. Scans see what the scans before them wrote. If one is refused
// the transaction is, with that scan's error code and index ("INVALID: scans[3]: …"); so is
// a scan that would write a unit or container an earlier scan wrote (see oneVersion). The
// transaction's one chaincode event lists the scans' notifications (model.NoticesKind).
func (c *UnitContract) Scans(ctx contractapi.TransactionContextInterface, req model.ScanBatchRequest) (*model.ScanBatchResult, error) {
	if err := checkScanBatch(req); err != nil {
		return nil, err
	}
	stub := &batchStub{ChaincodeStubInterface: ctx.GetStub(), writes: map[string][]byte{}}
	sctx := &batchContext{TransactionContextInterface: ctx, stub: stub}
	out := &model.ScanBatchResult{Results: make([]model.ScanResult, len(req.Scans))}
	var notes []model.Notification
	for i, sc := range req.Scans {
		stub.index, stub.event = i, nil
		res, err := c.scan(sctx, stub, sc)
		if err != nil {
			return nil, scanError(i, err)
		}
		res.Action = sc.Action
		out.Results[i] = res
		if stub.event != nil {
			var n model.Notification
			if err := json.Unmarshal(stub.event, &n); err != nil {
				return nil, fmt.Errorf("scans[%d]: decode notification: %w", i, err)
			}
			notes = append(notes, n)
		}
	}
	if err := emitNotices(ctx, notes); err != nil {
		return nil, err
	}
	return out, nil
}

// checkScanBatch bounds the batch: at most MaxScanBatch scans naming at most MaxEventCodes
// codes, each with the one request its action takes.
func checkScanBatch(req model.ScanBatchRequest) error {
	if n := len(req.Scans); n == 0 || n > model.MaxScanBatch {
		return model.Invalid("a batch takes 1 to %d scans, not %d", model.MaxScanBatch, n)
	}
	codes := 0
	for i, sc := range req.Scans {
		set := 0
		for _, r := range []bool{sc.Inspect != nil, sc.Receive != nil, sc.Ship != nil, sc.Return != nil, sc.Destroy != nil, sc.Decommission != nil} {
			if r {
				set++
			}
		}
		n, ok := scanCodes(sc)
		if !ok || set != 1 {
			return model.Invalid("scans[%d]: action %q takes its one request (inspect, receive, ship, return, destroy or decommission)", i, sc.Action)
		}
		codes += n
	}
	if codes > model.MaxEventCodes {
		return model.Invalid("a batch names at most %d codes, not %d", model.MaxEventCodes, codes)
	}
	return nil
}

// scanCodes is the number of codes a scan names, and whether its action's request is set.
func scanCodes(sc model.Scan) (int, bool) {
	goods := func(codes []string, qs []model.QuantityElement) int { return len(codes) + len(qs) }
	switch {
	case sc.Action == model.ScanInspect && sc.Inspect != nil:
		return 1, true
	case sc.Action == model.ScanReceive && sc.Receive != nil:
		return goods(sc.Receive.Codes, sc.Receive.Quantities), true
	case sc.Action == model.ScanShip && sc.Ship != nil:
		return goods(sc.Ship.Codes, sc.Ship.Quantities), true
	case sc.Action == model.ScanReturn && sc.Return != nil:
		return goods(sc.Return.Codes, sc.Return.Quantities), true
	case sc.Action == model.ScanDestroy && sc.Destroy != nil:
		return goods(sc.Destroy.Codes, sc.Destroy.Quantities), true
	case sc.Action == model.ScanDecommission && sc.Decommission != nil:
		return goods(sc.Decommission.Codes, sc.Decommission.Quantities), true
	}
	return 0, false
}

// scan runs one scan's single transaction, the stub showing it as that transaction.
func (c *UnitContract) scan(ctx *batchContext, stub *batchStub, sc model.Scan) (model.ScanResult, error) {
	var (
		ev  *model.EventResult
		err error
	)
	switch sc.Action {
	case model.ScanInspect:
		stub.call("unit:Inspect", sc.Inspect)
		r, err := c.Inspect(ctx, *sc.Inspect)
		return model.ScanResult{Inspect: r}, err
	case model.ScanReceive:
		stub.call("unit:Receive", sc.Receive)
		ev, err = c.Receive(ctx, *sc.Receive)
	case model.ScanShip:
		stub.call("unit:Ship", sc.Ship)
		ev, err = c.Ship(ctx, *sc.Ship)
	case model.ScanReturn:
		stub.call("unit:Return", sc.Return)
		ev, err = c.Return(ctx, *sc.Return)
	case model.ScanDestroy:
		stub.call("unit:Destroy", sc.Destroy)
		ev, err = c.Destroy(ctx, *sc.Destroy)
	case model.ScanDecommission:
		stub.call("unit:Decommission", sc.Decommission)
		ev, err = c.Decommission(ctx, *sc.Decommission)
	}
	return model.ScanResult{Event: ev}, err
}

// scanError is a refused scan's error for the batch: its code first, then its index.
func scanError(i int, err error) error {
	var ce *model.Error
	if errors.As(err, &ce) {
		return &model.Error{Code: ce.Code, Message: fmt.Sprintf("scans[%d]: %s", i, ce.Message)}
	}
	return fmt.Errorf("scans[%d]: %w", i, err)
}

// emitNotices sets the transaction's one chaincode event: a lone scan's notification as its
// single transaction sets it; several listed in one of Kind model.NoticesKind; none when
// every scan was a replay.
func emitNotices(ctx contractapi.TransactionContextInterface, notes []model.Notification) error {
	var n model.Notification
	switch len(notes) {
	case 0:
		return nil
	case 1:
		n = notes[0]
	default:
		n = model.Notification{Kind: model.NoticesKind, Actor: notes[0].Actor, Time: notes[0].Time, TxID: notes[0].TxID,
			CodeCount: len(notes), Events: notes}
		for i := range notes {
			notes[i].Actor, notes[i].Time, notes[i].TxID = "", "", ""
		}
	}
	b, err := json.Marshal(n)
	if err != nil {
		return fmt.Errorf("encode notification: %w", err)
	}
	if err := ctx.GetStub().SetEvent(model.ChaincodeEventName, b); err != nil {
		return fmt.Errorf("set chaincode event: %w", err)
	}
	return nil
}

// batchContext is the transaction context the scans of a batch run in: the batch's, with
// its stub.
type batchContext struct {
	contractapi.TransactionContextInterface
	stub     *batchStub
	parties  map[string]*model.Party
	products map[string]*model.Product
	lots     map[string]*model.Lot
}

func (c *batchContext) GetStub() shim.ChaincodeStubInterface { return c.stub }

// share gives the txn of a scan the batch's caches of master data, which no scan writes
// (parties, products, lots): each is read once per batch, as once per transaction.
func (c *batchContext) share(t *txn) {
	if c.parties == nil {
		c.parties, c.products, c.lots = t.parties, t.products, t.lots
	}
	t.parties, t.products, t.lots = c.parties, c.products, c.lots
	t.batchIndex = c.stub.index
}

// batchStub shows each scan of a batch its own single transaction on the batch's stub: the
// single transaction's function (its request hash is the one it has on its own), the state
// the scans before it wrote (Fabric reads see committed state only), and its chaincode event
// kept for the batch's.
type batchStub struct {
	shim.ChaincodeStubInterface
	index  int // the scan running
	fn     string
	arg    string
	writes map[string][]byte // nil: deleted
	event  []byte
	// versions maps the unit and container keys written to the scan that wrote them.
	versions map[string]int
}

// oneVersion refuses a second write of a unit or container key by another scan: a
// transaction leaves one version of a key, and provenance reads a code's events from its
// key's versions (provenance.go), so the first scan's event would drop out of it.
func (s *batchStub) oneVersion(key string) error {
	if !strings.HasPrefix(key, "\x00"+otUnit+"\x00") && !strings.HasPrefix(key, "\x00"+otContainer+"\x00") {
		return nil
	}
	if s.versions == nil {
		s.versions = map[string]int{}
	}
	if by, ok := s.versions[key]; ok && by != s.index {
		_, attrs, _ := s.SplitCompositeKey(key)
		return model.Invalid("%s was written by scans[%d] of this transaction, which keeps one version of it: send this scan in another", strings.Join(attrs, ""), by)
	}
	s.versions[key] = s.index
	return nil
}

// call makes the stub show the single transaction fn with its request.
func (s *batchStub) call(fn string, req any) {
	b, _ := json.Marshal(req) // the request was decoded from JSON
	s.fn, s.arg = fn, string(b)
}

func (s *batchStub) GetFunctionAndParameters() (string, []string) { return s.fn, []string{s.arg} }

func (s *batchStub) GetArgs() [][]byte { return [][]byte{[]byte(s.fn), []byte(s.arg)} }

func (s *batchStub) GetStringArgs() []string { return []string{s.fn, s.arg} }

func (s *batchStub) GetState(key string) ([]byte, error) {
	if v, ok := s.writes[key]; ok {
		return clone(v), nil
	}
	return s.ChaincodeStubInterface.GetState(key)
}

func (s *batchStub) PutState(key string, value []byte) error {
	if err := s.oneVersion(key); err != nil {
		return err
	}
	if err := s.ChaincodeStubInterface.PutState(key, value); err != nil {
		return err
	}
	if len(value) == 0 { // Fabric deletes a key written empty
		s.writes[key] = nil
	} else {
		s.writes[key] = clone(value)
	}
	return nil
}

func (s *batchStub) DelState(key string) error {
	if err := s.oneVersion(key); err != nil {
		return err
	}
	if err := s.ChaincodeStubInterface.DelState(key); err != nil {
		return err
	}
	s.writes[key] = nil
	return nil
}

func (s *batchStub) SetEvent(name string, payload []byte) error {
	if name != model.ChaincodeEventName {
		return fmt.Errorf("set chaincode event: unknown event %q", name)
	}
	s.event = clone(payload)
	return nil
}

func (s *batchStub) GetStateByPartialCompositeKey(objectType string, keys []string) (shim.StateQueryIteratorInterface, error) {
	start, err := s.CreateCompositeKey(objectType, keys)
	if err != nil {
		return nil, err
	}
	it, err := s.ChaincodeStubInterface.GetStateByPartialCompositeKey(objectType, keys)
	if err != nil {
		return nil, err
	}
	return s.merged(it, start, start+string(utf8.MaxRune))
}

func (s *batchStub) GetStateByRange(startKey, endKey string) (shim.StateQueryIteratorInterface, error) {
	it, err := s.ChaincodeStubInterface.GetStateByRange(startKey, endKey)
	if err != nil {
		return nil, err
	}
	return s.merged(it, startKey, endKey)
}

// merged is a range scan [start, end) of committed state with the batch's writes laid over
// it; the scan itself when the batch wrote nothing in the range.
func (s *batchStub) merged(it shim.StateQueryIteratorInterface, start, end string) (shim.StateQueryIteratorInterface, error) {
	var own []string
	for k := range s.writes {
		if k >= start && (end == "" || k < end) {
			own = append(own, k)
		}
	}
	if len(own) == 0 {
		return it, nil
	}
	defer it.Close()
	kvs := map[string][]byte{}
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return nil, err
		}
		kvs[kv.Key] = kv.Value
	}
	for _, k := range own {
		kvs[k] = s.writes[k]
	}
	out := &kvList{}
	for k, v := range kvs {
		if v != nil {
			out.kvs = append(out.kvs, &queryresult.KV{Key: k, Value: clone(v)})
		}
	}
	sort.Slice(out.kvs, func(i, j int) bool { return strings.Compare(out.kvs[i].Key, out.kvs[j].Key) < 0 })
	return out, nil
}

// kvList iterates key-value pairs read ahead.
type kvList struct {
	kvs []*queryresult.KV
}

func (l *kvList) HasNext() bool { return len(l.kvs) > 0 }
func (l *kvList) Close() error  { return nil }

func (l *kvList) Next() (*queryresult.KV, error) {
	if len(l.kvs) == 0 {
		return nil, errors.New("no more keys")
	}
	kv := l.kvs[0]
	l.kvs = l.kvs[1:]
	return kv, nil
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }
