package fabricnet

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// ReferenceChaincode is the name of the reference chaincode on the channel: the cost of
// Fabric alone, beside ours, for benchmarks (chaincode/reference, served by
// chaincode/cmd/udi-reference).
const ReferenceChaincode = "udi-reference"

// DeployReference deploys the reference chaincode on the running network described by cfg,
// as ours is deployed: installed on every organisation's peer, one server per organisation
// run as a daemon of the network (Up restarts it, Down stops it), and a definition with the
// same endorsement policy as ours and no collections. It returns the chaincode's name.
// A second call only checks that everything is in place. Addresses not set in cfg are those
// the network was brought up on.
func DeployReference(ctx context.Context, cfg Config, progress io.Writer) (string, error) {
	given := cfg.AddressPrefix
	cfg, err := cfg.withDefaults()
	if err != nil {
		return "", err
	}
	if progress == nil {
		progress = io.Discard
	}
	unlock, err := lockDir(cfg.RunDir)
	if err != nil {
		return "", err
	}
	defer unlock()
	n, err := Load(cfg.RunDir)
	if err != nil {
		return "", fmt.Errorf("fabricnet: deploy the reference chaincode: is the network up? %w", err)
	}
	if given == "" && len(n.Orgs) > 0 {
		if i := strings.LastIndexByte(n.Orgs[0].Host, '.'); i > 0 {
			cfg.AddressPrefix = n.Orgs[0].Host[:i]
		}
	}
	u := &upper{layout: newLayout(cfg), out: progress, packageIDs: map[string]string{}}
	for _, o := range n.Orgs {
		u.packageIDs[o.Name] = o.PackageID
	}
	if err := u.deployReference(ctx); err != nil {
		return "", fmt.Errorf("fabricnet: deploy the reference chaincode: %w", err)
	}
	if _, err := u.save(); err != nil {
		return "", err
	}
	return ReferenceChaincode, nil
}

func (u *upper) referenceChaincode() chaincodeSpec {
	return chaincodeSpec{
		name: ReferenceChaincode, main: "./chaincode/cmd/udi-reference",
		daemon:  referenceDaemon,
		server:  func(o orgLayout) string { return o.ReferenceServer },
		profile: func(o orgLayout) string { return o.ReferenceProfile },
	}
}

func referenceDaemon(o orgLayout) string { return "chaincode-reference-" + o.Name }

func (u *upper) deployReference(ctx context.Context) error {
	cc := u.referenceChaincode()
	ids, err := u.chaincodeServers(ctx, cc)
	if err != nil {
		return err
	}
	if err := u.define(ctx, cc, ids); err != nil {
		return fmt.Errorf("definition: %w", err)
	}
	if err := u.ready(ctx, cc); err != nil {
		return fmt.Errorf("ready: %w", err)
	}
	u.referenceIDs = ids
	return nil
}

// redeployReference brings the reference chaincode back when DeployReference had deployed
// it: after a reboot its servers are restarted with the rest of the network.
func (u *upper) redeployReference(ctx context.Context) error {
	if n, err := Load(u.cfg.RunDir); err != nil || n.Reference == "" {
		return nil
	}
	return u.deployReference(ctx)
}
