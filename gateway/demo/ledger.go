package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// call is one ledger call of the story: who, what, with which arguments.
type call struct {
	client ledger.Client
	ctx    context.Context
}

// encodeArgs turns each argument into a chaincode string argument: strings stay as they are,
// ints are decimal, everything else is JSON.
func encodeArgs(vs []any) ([]string, error) {
	out := make([]string, len(vs))
	for i, v := range vs {
		switch x := v.(type) {
		case string:
			out[i] = x
		case int:
			out[i] = strconv.Itoa(x)
		case bool:
			out[i] = strconv.FormatBool(x)
		default:
			b, err := json.Marshal(x)
			if err != nil {
				return nil, err
			}
			out[i] = string(b)
		}
	}
	return out, nil
}

// submit runs a transaction and decodes its answer into out (when not nil).
func (c call) submit(id *ledger.Identity, fn string, transient map[string][]byte, out any, vs ...any) error {
	args, err := encodeArgs(vs)
	if err != nil {
		return err
	}
	res, err := c.client.Submit(c.ctx, ledger.Proposal{Identity: id, Function: fn, Args: args, Transient: transient})
	if err != nil {
		return fmt.Errorf("%s as %s: %w", fn, id.MSPID, err)
	}
	return decode(fn, res.Payload, out)
}

// evaluate runs a read and decodes its answer into out.
func (c call) evaluate(id *ledger.Identity, fn string, out any, vs ...any) error {
	args, err := encodeArgs(vs)
	if err != nil {
		return err
	}
	b, err := c.client.Evaluate(c.ctx, ledger.Proposal{Identity: id, Function: fn, Args: args})
	if err != nil {
		return fmt.Errorf("%s as %s: %w", fn, id.MSPID, err)
	}
	return decode(fn, b, out)
}

func decode(fn string, b []byte, out any) error {
	if out == nil || len(b) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s: decode answer: %w", fn, err)
	}
	return nil
}

// exists reports whether a read finds its record: false on NOT_FOUND, an error otherwise.
func (c call) exists(id *ledger.Identity, fn string, vs ...any) (bool, error) {
	err := c.evaluate(id, fn, nil, vs...)
	var ce *ledger.ChaincodeError
	if errors.As(err, &ce) && model.ParseCode(ce.Message) == model.CodeNotFound {
		return false, nil
	}
	return err == nil, err
}

// dispenseTransient is the private part of a dispense, with a fresh random salt.
func dispenseTransient(patient, prescription string) (map[string][]byte, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	b, err := json.Marshal(model.DispensePrivate{PatientRef: patient, PrescriptionRef: prescription, Salt: hex.EncodeToString(salt)})
	if err != nil {
		return nil, err
	}
	return map[string][]byte{model.TransientDispense: b}, nil
}
