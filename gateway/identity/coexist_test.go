package identity_test

import (
	"errors"
	"testing"

	gwproto "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoregistry"

	// fabric-gateway and every apiv2 package that has a twin in fabric-protos-go, linked into
	// the same program as this package (fabric-sdk-go), as in the udi command.
	_ "github.com/hyperledger/fabric-gateway/pkg/client"
	_ "github.com/hyperledger/fabric-protos-go-apiv2/discovery"
	_ "github.com/hyperledger/fabric-protos-go-apiv2/gossip"
	_ "github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	_ "github.com/hyperledger/fabric-protos-go-apiv2/orderer/etcdraft"
	_ "github.com/hyperledger/fabric-protos-go-apiv2/peer/lifecycle"
)

// TestBothFabricClientLibrariesLiveInOneProgram: this test binary starting at all shows that the
// two families of Fabric protocol buffers register without the runtime's conflict panic.
// What the Fabric backend looks up by name still resolves to its own types.
func TestBothFabricClientLibrariesLiveInOneProgram(t *testing.T) {
	t.Run("gRPC error details decode to fabric-gateway's ErrorDetail", func(t *testing.T) {
		st, err := status.New(codes.Aborted, "failed to endorse").WithDetails(&gwproto.ErrorDetail{
			Address: "127.0.0.2:7051", MspId: "HospitalOrgMSP", Message: "chaincode response 500, FORBIDDEN: no",
		})
		if err != nil {
			t.Fatal(err)
		}
		wire, err := proto.Marshal(st.Proto())
		if err != nil {
			t.Fatal(err)
		}
		back := st.Proto()
		proto.Reset(back)
		if err := proto.Unmarshal(wire, back); err != nil {
			t.Fatal(err)
		}
		details := status.FromProto(back).Details()
		if len(details) != 1 {
			t.Fatalf("details = %v", details)
		}
		if d, ok := details[0].(*gwproto.ErrorDetail); !ok || d.GetMspId() != "HospitalOrgMSP" {
			t.Fatalf("detail = %T %v, want *gateway.ErrorDetail", details[0], details[0])
		}
	})
	t.Run("the gateway service is registered once, from apiv2", func(t *testing.T) {
		d, err := protoregistry.GlobalFiles.FindDescriptorByName("gateway.Gateway")
		if err != nil || d == nil {
			t.Fatalf("gateway.Gateway: %v", err)
		}
		if _, err := protoregistry.GlobalTypes.FindMessageByName("gateway.ErrorDetail"); errors.Is(err, protoregistry.NotFound) {
			t.Fatal("gateway.ErrorDetail is not registered")
		}
	})
}
