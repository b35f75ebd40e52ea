package contract

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"

	"github.com/hyperledger/fabric-contract-api-go/v2/metadata"

	"github.com/udiledger/udiledger/chaincode/model"
)

// serializer converts transaction arguments and results as JSON without the contractapi's
// schema validation: argument errors come back as INVALID coded errors, unknown fields are
// refused, and large requests (10,000 codes) are not validated twice. The meaning of every
// request is checked by the transaction itself.
type serializer struct{}

func (serializer) FromString(s string, t reflect.Type, _ *metadata.ParameterMetadata, _ *metadata.ComponentMetadata) (reflect.Value, error) {
	switch t.Kind() {
	case reflect.String:
		return reflect.ValueOf(s).Convert(t), nil
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return reflect.Value{}, model.Invalid("argument %q is not an integer", s)
		}
		return reflect.ValueOf(n).Convert(t), nil
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return reflect.Value{}, model.Invalid("argument %q is not a boolean", s)
		}
		return reflect.ValueOf(b).Convert(t), nil
	}
	v := reflect.New(t)
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v.Interface()); err != nil {
		return reflect.Value{}, model.Invalid("argument is not a valid %s: %v", t.Name(), err)
	}
	return v.Elem(), nil
}

func (serializer) ToString(v reflect.Value, t reflect.Type, _ *metadata.ReturnMetadata, _ *metadata.ComponentMetadata) (string, error) {
	if (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map) && v.IsNil() {
		return "", nil
	}
	if t.Kind() == reflect.String {
		return v.String(), nil
	}
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return "", model.Invalid("encode result: %v", err)
	}
	return string(b), nil
}
