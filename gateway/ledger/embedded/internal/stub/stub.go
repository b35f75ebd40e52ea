// Package stub implements shim.ChaincodeStubInterface for one simulated transaction of the
// embedded ledger: reads come from a snapshot of committed state and are recorded with their
// versions, writes are only recorded, as on a Fabric endorsing peer.
package stub

import (
	"errors"
	"maps"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/udiledger/udiledger/gateway/ledger/embedded/blocklog"
	"github.com/udiledger/udiledger/gateway/ledger/embedded/internal/state"
)

// Collection is the access policy of one private data collection.
type Collection struct {
	Members         map[string]bool // MSP IDs
	MemberOnlyRead  bool
	MemberOnlyWrite bool
}

// Params is everything a stub is built from.
type Params struct {
	View           state.View
	ChannelID      string
	ChaincodeName  string
	TxID           string
	Args           [][]byte
	Transient      map[string][]byte
	Creator        []byte // serialized msp.SerializedIdentity
	CreatorMSPID   string
	Timestamp      *timestamppb.Timestamp
	SignedProposal *peer.SignedProposal
	Binding        []byte
	Collections    map[string]Collection
	// ReadOnly is set for evaluate calls; only they may use paginated queries.
	ReadOnly bool
	// QueryLimit caps the results of one query, as the peer's totalQueryLimit does.
	QueryLimit int
}

// Stub is the ChaincodeStubInterface of one transaction. It is used by one goroutine.
type Stub struct {
	p   Params
	sim Simulation

	writePerformed     bool
	paginatedPerformed bool
	pvtQueryPerformed  bool
}

var _ shim.ChaincodeStubInterface = (*Stub)(nil)

// New returns a stub for one simulation.
func New(p Params) *Stub {
	if p.QueryLimit <= 0 {
		p.QueryLimit = 100000
	}
	return &Stub{p: p, sim: newSimulation()}
}

// Simulation returns what the transaction read and wrote.
func (s *Stub) Simulation() *Simulation { return &s.sim }

// GetArgs returns the function name and arguments.
func (s *Stub) GetArgs() [][]byte { return s.p.Args }

// GetStringArgs returns the arguments as strings.
func (s *Stub) GetStringArgs() []string {
	out := make([]string, len(s.p.Args))
	for i, a := range s.p.Args {
		out[i] = string(a)
	}
	return out
}

// GetFunctionAndParameters splits the first argument off as the function name.
func (s *Stub) GetFunctionAndParameters() (string, []string) {
	args := s.GetStringArgs()
	if len(args) == 0 {
		return "", []string{}
	}
	return args[0], args[1:]
}

// GetArgsSlice returns the arguments concatenated.
func (s *Stub) GetArgsSlice() ([]byte, error) {
	var out []byte
	for _, a := range s.p.Args {
		out = append(out, a...)
	}
	return out, nil
}

// GetTxID returns the transaction ID.
func (s *Stub) GetTxID() string { return s.p.TxID }

// GetChannelID returns the channel name.
func (s *Stub) GetChannelID() string { return s.p.ChannelID }

// GetCreator returns the serialized identity of the proposal's signer.
func (s *Stub) GetCreator() ([]byte, error) { return s.p.Creator, nil }

// GetTransient returns the proposal's transient map.
func (s *Stub) GetTransient() (map[string][]byte, error) {
	return maps.Clone(s.p.Transient), nil
}

// GetBinding returns the proposal binding, sha256(nonce | creator | epoch).
func (s *Stub) GetBinding() ([]byte, error) { return s.p.Binding, nil }

// GetDecorations returns the proposal's decorations; the engine adds none.
func (s *Stub) GetDecorations() map[string][]byte { return map[string][]byte{} }

// GetSignedProposal returns the signed proposal the transaction came from.
func (s *Stub) GetSignedProposal() (*peer.SignedProposal, error) {
	if s.p.SignedProposal == nil {
		return nil, errors.New("no signed proposal")
	}
	return s.p.SignedProposal, nil
}

// GetTxTimestamp returns the timestamp the client put in the proposal.
func (s *Stub) GetTxTimestamp() (*timestamppb.Timestamp, error) { return s.p.Timestamp, nil }

// SetEvent sets the transaction's event; a second call replaces the first.
func (s *Stub) SetEvent(name string, payload []byte) error {
	if name == "" {
		return errors.New("event name can not be empty string")
	}
	s.sim.Event = &blocklog.Event{Name: name, Payload: append([]byte(nil), payload...)}
	return nil
}

// InvokeChaincode is not supported: the engine runs one chaincode.
func (s *Stub) InvokeChaincode(chaincodeName string, _ [][]byte, _ string) *peer.Response {
	return &peer.Response{
		Status:  shim.ERROR,
		Message: "chaincode-to-chaincode invocation of " + chaincodeName + " is not supported by the embedded ledger",
	}
}

// CreateCompositeKey builds a composite key as the shim does.
func (s *Stub) CreateCompositeKey(objectType string, attributes []string) (string, error) {
	return shim.CreateCompositeKey(objectType, attributes)
}

// SplitCompositeKey splits a composite key as the shim does.
func (s *Stub) SplitCompositeKey(compositeKey string) (string, []string, error) {
	if len(compositeKey) < 2 || compositeKey[0] != 0 || compositeKey[len(compositeKey)-1] != 0 {
		return "", nil, errors.New("not a composite key")
	}
	return (&shim.ChaincodeStub{}).SplitCompositeKey(compositeKey)
}
