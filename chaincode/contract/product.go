package contract

import (
	"reflect"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/chaincode/model"
)

// ProductContract registers DI records.
type ProductContract struct {
	contractapi.Contract
	cfg *Config
}

func newProductContract(cfg *Config) *ProductContract {
	c := &ProductContract{cfg: cfg}
	c.Name = "product"
	return c
}

// GetEvaluateTransactions lists the read-only transactions.
func (c *ProductContract) GetEvaluateTransactions() []string { return []string{"Get", "List"} }

// Register adds a DI record. Only the manufacturer that owns the DI's GS1 company prefix (or,
// for a drug trace code product, the 7-digit product code) registers it. The scheme is taken
// from the DI: 14 digits are a GTIN, 7 digits a drug product code. Registering the same record
// again returns it; another record for a registered DI is a CONFLICT.
func (c *ProductContract) Register(ctx contractapi.TransactionContextInterface, p model.Product) (*model.Product, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	if _, err := t.trader("register products", model.RoleManufacturer); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	switch len(p.DI) {
	case 14:
		if err := identifier.ValidateGTIN(p.DI); err != nil {
			return nil, model.Invalid("di %s: %v", p.DI, err)
		}
		p.Scheme = model.SchemeGS1
		if p.IssuingAgency == "" {
			p.IssuingAgency = "GS1"
		}
	case 7:
		if _, err := parseCode(p.DI + "0000000000000"); err != nil {
			return nil, model.Invalid("di %s is not a 7-digit drug product code", p.DI)
		}
		p.Scheme = model.SchemeCNDrug
		if p.IssuingAgency == "" {
			p.IssuingAgency = "NMPA"
		}
	default:
		return nil, model.Invalid("di %q must be a GTIN-14 or a 7-digit drug product code", p.DI)
	}
	owner, err := t.diOwner(p.Scheme, p.DI)
	if err != nil {
		return nil, err
	}
	if owner != t.caller {
		return nil, model.Forbidden("di %s is not under a prefix of %s", p.DI, t.caller)
	}
	if len(p.Links) > 0 {
		return nil, model.Invalid("product %s: links are set with product:SetLinks once it is registered", p.DI)
	}
	p.Manufacturer, p.RecallIDs, p.RegisteredAt = t.caller, nil, t.nowText
	old, err := t.product(p.DI)
	switch {
	case err == nil:
		o := *old
		o.RegisteredAt, o.Links = p.RegisteredAt, nil
		if reflect.DeepEqual(&o, &p) {
			return old, nil
		}
		return nil, model.Conflict("product %s is already registered", p.DI)
	case model.CodeOf(err) != model.CodeNotFound:
		return nil, err
	}
	if err := t.putProduct(&p); err != nil {
		return nil, err
	}
	return &p, t.emit(model.Notification{Kind: "product", ID: p.DI})
}

// SetLinks replaces the links the public resolver offers for a product (ADR 016): GS1 Web
// Vocabulary link types a manufacturer may register, to absolute https URLs. Only the
// product's manufacturer sets them; an empty list removes them.
func (c *ProductContract) SetLinks(ctx contractapi.TransactionContextInterface, req model.ProductLinksRequest) (*model.Product, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	if _, err := t.trader("set product links", model.RoleManufacturer); err != nil {
		return nil, err
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	p, err := t.product(req.DI)
	if err != nil {
		return nil, err
	}
	if p.Manufacturer != t.caller {
		return nil, model.Forbidden("only %s sets the links of product %s", p.Manufacturer, p.DI)
	}
	links := append([]model.ProductLink(nil), req.Links...)
	if len(links) == 0 {
		links = nil
	}
	if reflect.DeepEqual(p.Links, links) {
		return p, nil
	}
	p.Links = links
	if err := t.putProduct(p); err != nil {
		return nil, err
	}
	return p, t.emit(model.Notification{Kind: "product", ID: p.DI})
}

// Get returns a DI record.
func (c *ProductContract) Get(ctx contractapi.TransactionContextInterface, di string) (*model.Product, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	return t.product(di)
}

// List returns a page of products in DI order.
func (c *ProductContract) List(ctx contractapi.TransactionContextInterface, pageSize int, bookmark string) (*model.ProductPage, error) {
	t, err := begin(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	out := &model.ProductPage{Products: []model.Product{}}
	out.Page, err = t.scanPage(otProduct, nil, pageSize, bookmark, func(_ string, v []byte) error {
		var p model.Product
		if err := jsonUnmarshal(v, &p); err != nil {
			return err
		}
		out.Products = append(out.Products, p)
		return nil
	})
	return out, err
}
