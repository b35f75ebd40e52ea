// Package ccserver runs a chaincode as a service from the environment the network gives every
// chaincode server (fabricnet): its package ID, listen address, TLS files and, optionally, a
// loopback address for net/http/pprof.
//
// Environment:
//
//	CHAINCODE_ID               package ID from `peer lifecycle chaincode calculatepackageid` (required)
//	CHAINCODE_SERVER_ADDRESS   listen address, e.g. 0.0.0.0:9999 (required)
//	CHAINCODE_TLS_CERT         PEM file of the server certificate; with CHAINCODE_TLS_KEY enables TLS
//	CHAINCODE_TLS_KEY          PEM file of the server private key
//	CHAINCODE_TLS_CLIENT_CA    PEM file of the CA that signs peers' client certificates (optional)
//	UDI_PPROF_ADDRESS          loopback host:port serving /debug/pprof/ (optional)
package ccserver

import (
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
)

// Serve runs cc as the chaincode server the environment describes until it fails; name
// prefixes its log lines.
func Serve(name string, cc shim.Chaincode) error {
	id := os.Getenv("CHAINCODE_ID")
	addr := os.Getenv("CHAINCODE_SERVER_ADDRESS")
	if id == "" || addr == "" {
		return errors.New("CHAINCODE_ID and CHAINCODE_SERVER_ADDRESS must be set")
	}
	tlsProps, err := tlsFromEnv()
	if err != nil {
		return err
	}
	if err := servePprof(name, os.Getenv("UDI_PPROF_ADDRESS")); err != nil {
		return err
	}
	server := &shim.ChaincodeServer{CCID: id, Address: addr, CC: cc, TLSProps: tlsProps}
	log.Printf("%s: serving %s on %s (tls %t)", name, id, addr, !tlsProps.Disabled) // #nosec G706 -- the operator's own settings
	return server.Start()
}

// servePprof serves the runtime profiles on addr, which must be a loopback address: the
// profiles are not authenticated.
func servePprof(name, addr string) error {
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("UDI_PPROF_ADDRESS: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("UDI_PPROF_ADDRESS %s is not a loopback address", addr)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		log.Printf("%s: pprof on http://%s/debug/pprof/", name, addr) // #nosec G706 -- the operator's own settings
		if err := srv.Serve(l); err != nil {
			log.Printf("%s: pprof: %v", name, err)
		}
	}()
	return nil
}

func tlsFromEnv() (shim.TLSProperties, error) {
	certFile, keyFile := os.Getenv("CHAINCODE_TLS_CERT"), os.Getenv("CHAINCODE_TLS_KEY")
	if certFile == "" && keyFile == "" {
		return shim.TLSProperties{Disabled: true}, nil
	}
	if certFile == "" || keyFile == "" {
		return shim.TLSProperties{}, errors.New("CHAINCODE_TLS_CERT and CHAINCODE_TLS_KEY must be set together")
	}
	props := shim.TLSProperties{}
	var err error
	// The files are the operator's, named in the service's environment.
	if props.Cert, err = os.ReadFile(certFile); err != nil { // #nosec G304 G703
		return props, fmt.Errorf("read tls cert: %w", err)
	}
	if props.Key, err = os.ReadFile(keyFile); err != nil { // #nosec G304 G703
		return props, fmt.Errorf("read tls key: %w", err)
	}
	if caFile := os.Getenv("CHAINCODE_TLS_CLIENT_CA"); caFile != "" {
		if props.ClientCACerts, err = os.ReadFile(caFile); err != nil { // #nosec G304 G703
			return props, fmt.Errorf("read tls client ca: %w", err)
		}
	}
	return props, nil
}
