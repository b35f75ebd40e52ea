package api

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/problem"
)

// Request bodies of master data. They mirror the chaincode's records without the fields the
// ledger sets itself (manufacturer, registration time, recalls).

type licenceBody struct {
	Type      string `json:"type" validate:"required,max=64"`
	Number    string `json:"number" validate:"required,max=128"`
	ValidFrom string `json:"validFrom" validate:"required,datetime=2006-01-02"`
	ValidTo   string `json:"validTo" validate:"required,datetime=2006-01-02"`
}

type locationBody struct {
	GLN     string `json:"gln" validate:"required,gln"`
	Name    string `json:"name,omitempty" validate:"max=200"`
	Address string `json:"address,omitempty" validate:"max=500"`
}

// partyBody registers or updates an organisation (party:Init, party:Register, party:Update).
type partyBody struct {
	MSPID           string         `json:"mspId" validate:"required,max=128,printascii"`
	Name            string         `json:"name" validate:"required,max=200"`
	Roles           []model.Role   `json:"roles" validate:"required,min=1,max=7,dive,oneof=manufacturer distributor logistics platform hospital pharmacy regulator"`
	Licences        []licenceBody  `json:"licences,omitempty" validate:"max=100,dive"`
	CompanyPrefixes []string       `json:"companyPrefixes,omitempty" validate:"max=100,dive,numeric,min=4,max=12"`
	DrugCodes       []string       `json:"drugCodes,omitempty" validate:"max=1000,dive,numeric,len=7"`
	Locations       []locationBody `json:"locations,omitempty" validate:"max=1000,dive"`
}

func (b *partyBody) model() model.Party {
	p := model.Party{MSPID: b.MSPID, Name: b.Name, Roles: b.Roles, CompanyPrefixes: b.CompanyPrefixes, DrugCodes: b.DrugCodes}
	for _, l := range b.Licences {
		p.Licences = append(p.Licences, model.Licence(l))
	}
	for _, l := range b.Locations {
		p.Locations = append(p.Locations, model.Location(l))
	}
	return p
}

type temperatureBody struct {
	Min float64 `json:"min"`
	Max float64 `json:"max" validate:"gtefield=Min"`
}

type packageLevelBody struct {
	DI       string `json:"di" validate:"required,max=64"`
	Quantity int    `json:"quantity" validate:"gt=0"`
	Contains string `json:"contains,omitempty" validate:"max=64"`
}

// productBody registers a DI record (product:Register).
type productBody struct {
	DI                 string             `json:"di" validate:"required,max=64,printascii"`
	Name               string             `json:"name" validate:"required,max=200"`
	Model              string             `json:"model,omitempty" validate:"max=200"`
	Kind               model.ProductKind  `json:"kind" validate:"required,oneof=drug device"`
	RegistrationNumber string             `json:"registrationNumber,omitempty" validate:"max=128"`
	Prescription       bool               `json:"prescription"`
	Storage            *temperatureBody   `json:"storage,omitempty"`
	PackageLevels      []packageLevelBody `json:"packageLevels,omitempty" validate:"max=20,dive"`
	IssuingAgency      string             `json:"issuingAgency,omitempty" validate:"max=32"`
}

func (b *productBody) model() model.Product {
	p := model.Product{DI: b.DI, Name: b.Name, Model: b.Model, Kind: b.Kind, RegistrationNumber: b.RegistrationNumber,
		Prescription: b.Prescription, IssuingAgency: b.IssuingAgency}
	if b.Storage != nil {
		p.Storage = &model.TemperatureRange{Min: b.Storage.Min, Max: b.Storage.Max}
	}
	for _, l := range b.PackageLevels {
		p.PackageLevels = append(p.PackageLevels, model.PackageLevel(l))
	}
	return p
}

// lotBody registers a lot (lot:Register).
type lotBody struct {
	DI             string          `json:"di" validate:"required,max=64,printascii"`
	Lot            string          `json:"lot" validate:"required,max=20,printascii"`
	ProductionDate string          `json:"productionDate,omitempty" validate:"omitempty,datetime=2006-01-02"`
	Expiry         string          `json:"expiry" validate:"required,datetime=2006-01-02"`
	Quantity       int             `json:"quantity" validate:"gte=0"`
	Status         model.LotStatus `json:"status,omitempty" validate:"omitempty,oneof=released quarantined"`
}

// lotStatusBody quarantines or releases a lot (lot:SetStatus).
type lotStatusBody struct {
	Status model.LotStatus `json:"status" validate:"required,oneof=released quarantined"`
	Reason string          `json:"reason,omitempty" validate:"max=500"`
}

// masterHandlers serve parties, products and lots.
type masterHandlers struct{ *server }

func (h masterHandlers) initLedger(c *gin.Context) {
	var b partyBody
	if !h.bindJSON(c, &b) {
		return
	}
	if res, ok := h.ledger.submit(c, write{fn: "party:Init", arg: b.model(), id: "party:" + b.MSPID}); ok {
		created(c, false, "/v1/parties/"+url.PathEscape(b.MSPID), res.Payload)
	}
}

func (h masterHandlers) createParty(c *gin.Context) {
	var b partyBody
	if !h.bindJSON(c, &b) {
		return
	}
	if res, ok := h.ledger.submit(c, write{fn: "party:Register", arg: b.model(), id: "party:" + b.MSPID}); ok {
		created(c, false, "/v1/parties/"+url.PathEscape(b.MSPID), res.Payload)
	}
}

func (h masterHandlers) updateParty(c *gin.Context) {
	var b partyBody
	if !h.bindJSON(c, &b) {
		return
	}
	if b.MSPID != c.Param("msp") {
		problem.Write(c, validationProblem([]problem.FieldError{{Field: "mspId", Reason: "must equal the MSP ID in the path"}}))
		return
	}
	if res, ok := h.ledger.submit(c, write{fn: "party:Update", arg: b.model()}); ok {
		raw(c, http.StatusOK, res.Payload)
	}
}

func (h masterHandlers) getParty(c *gin.Context) {
	if out, ok := h.ledger.evaluate(c, "party:Get", c.Param("msp")); ok {
		raw(c, http.StatusOK, out)
	}
}

func (h masterHandlers) listParties(c *gin.Context) {
	h.page(c, "party:List")
}

func (h masterHandlers) createProduct(c *gin.Context) {
	var b productBody
	if !h.bindJSON(c, &b) {
		return
	}
	if res, ok := h.ledger.submit(c, write{fn: "product:Register", arg: b.model(), id: "product:" + b.DI}); ok {
		created(c, false, "/v1/products/"+url.PathEscape(b.DI), res.Payload)
	}
}

func (h masterHandlers) getProduct(c *gin.Context) {
	if out, ok := h.ledger.evaluate(c, "product:Get", c.Param("di")); ok {
		raw(c, http.StatusOK, out)
	}
}

func (h masterHandlers) listProducts(c *gin.Context) {
	h.page(c, "product:List")
}

func (h masterHandlers) createLot(c *gin.Context) {
	var b lotBody
	if !h.bindJSON(c, &b) {
		return
	}
	lot := model.Lot{DI: b.DI, Lot: b.Lot, ProductionDate: b.ProductionDate, Expiry: b.Expiry, Quantity: b.Quantity, Status: b.Status}
	if res, ok := h.ledger.submit(c, write{fn: "lot:Register", arg: lot, id: "lot:" + b.DI + "/" + b.Lot}); ok {
		created(c, false, "/v1/lots/"+url.PathEscape(b.DI)+"/"+url.PathEscape(b.Lot), res.Payload)
	}
}

func (h masterHandlers) getLot(c *gin.Context) {
	if out, ok := h.ledger.evaluate(c, "lot:Get", c.Param("di"), c.Param("lot")); ok {
		raw(c, http.StatusOK, out)
	}
}

func (h masterHandlers) setLotStatus(c *gin.Context) {
	var b lotStatusBody
	if !h.bindJSON(c, &b) {
		return
	}
	req := model.LotStatusRequest{DI: c.Param("di"), Lot: c.Param("lot"), Status: b.Status, Reason: b.Reason}
	if res, ok := h.ledger.submit(c, write{fn: "lot:SetStatus", arg: req}); ok {
		raw(c, http.StatusOK, res.Payload)
	}
}

// page serves a list query that takes (pageSize, bookmark): ?page_size=1..1000&bookmark=…;
// the answer's bookmark (empty on the last page) is also sent as a Link rel="next".
// listLots lists lots, of one product when ?di= is given.
func (m masterHandlers) listLots(c *gin.Context) { m.page(c, "lot:List", c.Query("di")) }

func (s *server) page(c *gin.Context, fn string, lead ...string) {
	size, ok := queryInt(c, "page_size", 0, 0, 1000)
	if !ok {
		return
	}
	args := append(lead, strconv.Itoa(size), c.Query("bookmark"))
	out, ok := s.ledger.evaluate(c, fn, args...)
	if !ok {
		return
	}
	linkNext(c, out)
	raw(c, http.StatusOK, out)
}
