// Package protoconflict lets fabric-sdk-go's protocol buffers and fabric-gateway's live in
// one program.
//
// fabric-sdk-go v1.0.0 registers Fabric's messages from github.com/hyperledger/fabric-protos-go,
// fabric-gateway from github.com/hyperledger/fabric-protos-go-apiv2: two Go packages for the
// same .proto files (common/common.proto, msp/identities.proto, peer/…). The protobuf runtime
// panics at start-up on the second registration of a name ("proto: message
// rwset.TxReadWriteSet is already registered") unless GOLANG_PROTOBUF_REGISTRATION_CONFLICT
// says otherwise. This package sets it to "ignore" unless the environment already sets it:
// the first registration of each file stays in the global file registry, the last of each
// message type in the type registry, and every Go type still marshals itself. Neither library
// looks Fabric's messages up by name in the global registry; the gateway's ErrorDetail, which
// gRPC status details do look up, exists only in the apiv2 module.
//
// It must run before any protobuf package registers, so it imports nothing but os: Go
// initialises packages in import-path order among those whose imports are initialised
// (The Go Programming Language Specification, "Package initialization"), and this path sorts
// before google.golang.org/protobuf, on which every generated package depends. The variable
// stays set for the life of the process; network/fabricca removes it from the environment of
// the CA servers it starts.
package protoconflict

import "os"

const env = "GOLANG_PROTOBUF_REGISTRATION_CONFLICT"

func init() {
	if os.Getenv(env) == "" {
		_ = os.Setenv(env, "ignore")
	}
}
