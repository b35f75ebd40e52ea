package routes

import "github.com/udiledger/udiledger/chaincode/ops"

// The gateway's own handlers.
const (
	Healthz           = "healthz"
	Readyz            = "readyz"
	Metrics           = "metrics"
	OpenAPI           = "openapi"
	EventStream       = "eventStream"
	Scans             = "scans"
	RecallProgress    = "recallProgress"
	OutboxStatus      = "outboxStatus"
	EPCISCapture      = "epcisCapture"
	EPCISEvents       = "epcisEvents"
	EPCISJobs         = "epcisCaptureJobs"
	EPCISJob          = "epcisCaptureJob"
	EPCISCaptureEvent = "epcisCaptureEvent"
	EPCISEPCEvents    = "epcisEpcEvents"
	// The REST binding's resources (issue 11).
	EPCISEvent             = "epcisEvent"
	EPCISEventTypes        = "epcisEventTypes"
	EPCISEventTypeEvents   = "epcisEventTypeEvents"
	EPCISEPCs              = "epcisEpcs"
	EPCISBizSteps          = "epcisBizSteps"
	EPCISBizStepEvents     = "epcisBizStepEvents"
	EPCISBizLocations      = "epcisBizLocations"
	EPCISBizLocationEvents = "epcisBizLocationEvents"
	EPCISReadPoints        = "epcisReadPoints"
	EPCISReadPointEvents   = "epcisReadPointEvents"
	EPCISDispositions      = "epcisDispositions"
	EPCISDispositionEvents = "epcisDispositionEvents"
	// Named queries and subscriptions (package subscriptions).
	EPCISQueries       = "epcisQueries"
	EPCISCreateQuery   = "epcisCreateQuery"
	EPCISQuery         = "epcisQuery"
	EPCISDeleteQuery   = "epcisDeleteQuery"
	EPCISQueryEvents   = "epcisQueryEvents"
	EPCISSubscriptions = "epcisSubscriptions"
	EPCISSubscribe     = "epcisSubscribe"
	EPCISSubscription  = "epcisSubscription"
	EPCISUnsubscribe   = "epcisUnsubscribe"
	Resolve            = "resolve"
	ResolverInfo       = "resolverInfo"

	// The REST binding's discovery: the root, one member's sub-resources, page tokens.
	EPCISRoot             = "epcisRoot"
	EPCISResource         = "epcisResource"
	EPCISReleasePageToken = "epcisReleasePageToken"

	// Notifications to the caller's organisation (package notify).
	NotifyWebhook       = "notifyWebhook"
	NotifySetWebhook    = "notifySetWebhook"
	NotifyDeleteWebhook = "notifyDeleteWebhook"
	NotifyDeliveries    = "notifyDeliveries"
)

// resolverQuery are the query parameters of the Digital Link resolver besides the Digital
// Link's own data attributes.
var resolverQuery = []Param{
	{Name: "linkType", Type: "string", Description: "a GS1 link type (gs1:pip, gs1:epil, gs1:certificationInfo, gs1:recallStatus, gs1:defaultLink, ... or its https://gs1.org/voc/ IRI): 307 to that link, 404 when there is none; linkset or all: the linkset"},
	{Name: "context", Type: "string", Description: "GS1 context: accepted and not used"},
}

// notifyQuery are the paging parameters of GET /v1/notifications.
var notifyQuery = []Param{
	{Name: "pageSize", Type: "integer", Description: "notifications per page, 1 to 1000 (default 100)"},
	{Name: "bookmark", Type: "string", Description: "the page to read, from the previous page's bookmark"},
}

// listQuery are the paging parameters of the EPCIS REST binding's lists.
var listQuery = []Param{
	{Name: "perPage", Type: "integer", Description: "members per page, 1 to 1000 (default 100)"},
	{Name: "nextPageToken", Type: "string", Description: "the page to read, from the previous page's Link rel=\"next\""},
}

func event(path string, op ops.Descriptor, summary string) Route {
	return Route{Method: "POST", Path: "/v1/events/" + path, Op: op, Tag: "events", Summary: summary,
		Created: true, Location: "/v1/events/{eventId}", Idempotent: true, Queued: true}
}

// subscriptionQuery are the query parameters of a WebSocket subscription (the binding's
// GET /queries/{queryName}/events with Upgrade: websocket).
var subscriptionQuery = []Param{
	{Name: "stream", Type: "boolean", Description: "WebSocket: report whenever new events match (excludes the schedule)"},
	{Name: "reportIfEmpty", Type: "boolean", Description: "WebSocket, scheduled: report at each tick even when nothing new matches"},
	{Name: "initialRecordTime", Type: "string", Description: "WebSocket: report events recorded after this time (RFC 3339; default now)"},
	{Name: "second", Type: "string", Description: "WebSocket schedule: seconds, as numbers and ranges [lo-hi], comma-separated (UTC)"},
	{Name: "minute", Type: "string", Description: "WebSocket schedule: minutes"},
	{Name: "hour", Type: "string", Description: "WebSocket schedule: hours"},
	{Name: "dayOfMonth", Type: "string", Description: "WebSocket schedule: days of the month"},
	{Name: "month", Type: "string", Description: "WebSocket schedule: months"},
	{Name: "dayOfWeek", Type: "string", Description: "WebSocket schedule: days of the week, 1 Monday to 7 Sunday"},
	listQuery[0], listQuery[1],
}

// Table is every route of the gateway.
var Table = []Route{
	{Method: "GET", Path: "/healthz", Own: Healthz, Tag: "operations", Summary: "Liveness", Public: true},
	{Method: "GET", Path: "/readyz", Own: Readyz, Tag: "operations", Summary: "Readiness: 200 ready or degraded (the ledger answers; each part of the backend, the outbox backlog and the admission queue say how they do), 503 not-ready when the ledger does not answer", Public: true},
	{Method: "GET", Path: "/metrics", Own: Metrics, Tag: "operations", Summary: "Prometheus metrics (text exposition format)", Public: true},
	{Method: "GET", Path: "/openapi.json", Own: OpenAPI, Tag: "operations", Summary: "This document", Public: true},
	{Method: "GET", Path: "/v1/version", Op: ops.Version, Tag: "operations", Summary: "The chaincode's version"},

	{Method: "POST", Path: "/v1/ledger/init", Op: ops.InitLedger, Tag: "parties", Summary: "Register the first regulator, once per ledger", Created: true, Location: "/v1/parties/{mspId}"},
	{Method: "POST", Path: "/v1/parties", Op: ops.RegisterParty, Tag: "parties", Summary: "Register a party (regulator only)", Created: true, Location: "/v1/parties/{mspId}", Queued: true},
	{Method: "GET", Path: "/v1/parties", Op: ops.ListParties, Tag: "parties", Summary: "List parties"},
	{Method: "GET", Path: "/v1/parties/{mspId}", Op: ops.GetParty, Tag: "parties", Summary: "Read a party"},
	{Method: "PUT", Path: "/v1/parties/{mspId}", Op: ops.UpdateParty, Tag: "parties", Summary: "Replace a party's record (regulator only)"},
	{Method: "POST", Path: "/v1/products", Op: ops.RegisterProduct, Tag: "products", Summary: "Register a product (DI record) under the caller's prefix", Created: true, Location: "/v1/products/{di}", Queued: true},
	{Method: "GET", Path: "/v1/products", Op: ops.ListProducts, Tag: "products", Summary: "List products"},
	{Method: "GET", Path: "/v1/products/{di}", Op: ops.GetProduct, Tag: "products", Summary: "Read a product"},
	{Method: "PUT", Path: "/v1/products/{di}/links", Op: ops.SetProductLinks, Tag: "products", Summary: "Replace the links the Digital Link resolver offers for a product (its manufacturer only): GS1 link types to absolute https URLs"},
	{Method: "POST", Path: "/v1/lots", Op: ops.RegisterLot, Tag: "lots", Summary: "Register a lot of the caller's product", Created: true, Location: "/v1/lots/{di}/{lot}", Queued: true},
	{Method: "GET", Path: "/v1/lots", Op: ops.ListLots, Tag: "lots", Summary: "List lots, of one product with di"},
	{Method: "GET", Path: "/v1/lots/{di}/{lot}", Op: ops.GetLot, Tag: "lots", Summary: "Read a lot"},
	{Method: "PUT", Path: "/v1/lots/{di}/{lot}/status", Op: ops.SetLotStatus, Tag: "lots", Summary: "Quarantine or release a lot"},

	event("commission", ops.Commission, "Commission serialized units of a lot"),
	event("pack", ops.Pack, "Pack units or containers into a container"),
	event("unpack", ops.Unpack, "Take children out of a container"),
	event("ship", ops.Ship, "Ship units or containers to a party"),
	event("receive", ops.Receive, "Receive what was shipped to the caller"),
	event("dispense", ops.Dispense, "Dispense to a patient; patientRef and prescriptionRef travel only in the transient map"),
	event("undo-dispense", ops.UndoDispense, "Undo a dispense within 10 days"),
	event("erase-dispense", ops.EraseDispense, "Erase the private details of a dispense on the patient's request (the dispensing organisation only)"),
	event("return", ops.Return, "Return units, containers or lot-level quantities; under a recall, to its recalling firm by default"),
	event("destroy", ops.Destroy, "Destroy units, containers or lot-level quantities, under a recall if named"),
	event("decommission", ops.Decommission, "Decommission units, containers or lot-level quantities"),
	event("release", ops.Release, "Lift a quarantine"),
	event("sensor", ops.ReportSensor, "Report sensor readings (cold chain)"),
	event("inspect", ops.Inspect, "Record a verification scan; unknown codes and clones raise alerts"),
	event("transform", ops.Transform, "Repackage, kit or relabel: consume the inputs, commission the outputs with their lineage"),
	event("pack-state", ops.SetPackState, "Set a pack state as EU FMD systems know it: locked, stolen, exported, sample, free_sample or checked_out (the holder; checked_out a hospital; stolen also a regulator)"),
	event("undo-pack-state", ops.UndoPackState, "Undo a pack state at the location it was set, by the party that set it: a lock at any time, the others within 10 days, stolen never"),
	event("cancel-shipment", ops.CancelShipment, "Cancel a shipment before its receipt (the sender): the goods are back in its stock"),
	event("refuse-shipment", ops.RefuseShipment, "Refuse a shipment (the receiver): the goods travel back to the sender, who receives them"),
	event("relocate", ops.Relocate, "Move goods between two of the caller's own locations; the owner does not change"),
	event("rework", ops.Rework, "Re-work returned units under a recall (the recalling firm): active again, settled for that recall"),
	event("restock", ops.Restock, "Put returned goods back into sellable stock (the holder), each only if verify finds it sellable"),
	event("associate", ops.Associate, "Attach a device (a data logger) to goods (ADD), confirm (OBSERVE) or end it (DELETE): its sensor reports apply to them meanwhile"),
	{Method: "GET", Path: "/v1/events", Op: ops.EventsByTime, Tag: "events", Summary: "Events recorded in a time window, in time order"},
	{Method: "GET", Path: "/v1/events/stream", Own: EventStream, Tag: "events", Summary: "Server-sent events of the ledger's chaincode events; resume with Last-Event-ID (<block>.<txid>)",
		Query: []Param{{Name: "fromBlock", Description: "first block to replay (ignored with Last-Event-ID)", Type: "integer"}}},
	{Method: "GET", Path: "/v1/events/{eventId}", Op: ops.Event, Tag: "events", Summary: "Read one event"},
	{Method: "GET", Path: "/v1/dispenses/{eventId}", Op: ops.DispenseDetails, Tag: "events", Summary: "Private details of a dispense (the dispensing organisation and regulators)"},

	{Method: "POST", Path: "/v1/scans", Own: Scans, Tag: "scans", Summary: "A batch of scans from a scanner station, answered per scan", Idempotent: true},
	{Method: "GET", Path: "/v1/trace", Op: ops.Provenance, Tag: "queries", Summary: "Provenance of a code: every event in order, containers' included"},
	{Method: "GET", Path: "/v1/verify", Op: ops.Verify, Tag: "queries", Summary: "May this code be sold or dispensed?"},
	{Method: "GET", Path: "/v1/units", Op: ops.Unit, Tag: "queries", Summary: "A unit with its effective status, holder and containers"},
	{Method: "GET", Path: "/v1/stock", Op: ops.Stock, Tag: "queries", Summary: "Stock of a lot-controlled item: quantities per holder and in transit"},
	{Method: "GET", Path: "/v1/holders/{mspId}/units", Op: ops.UnitsByHolder, Tag: "queries", Summary: "What a party holds at top level"},
	{Method: "GET", Path: "/v1/holders/{mspId}/stock", Op: ops.StockByHolder, Tag: "queries", Summary: "A party's lot-level stock: quantities by product, lot and state"},
	{Method: "GET", Path: "/v1/alerts", Op: ops.Alerts, Tag: "queries", Summary: "Alerts (temperature excursions, suspected clones and counterfeits)"},
	{Method: "GET", Path: "/v1/licences/expiring", Op: ops.ExpiringLicences, Tag: "queries", Summary: "Licences ending within days (default 30), expired ones included"},

	{Method: "POST", Path: "/v1/recalls", Op: ops.StartRecall, Tag: "recalls", Summary: "Start a recall (regulator, or the manufacturer of every product in scope)", Created: true, Location: "/v1/recalls/{id}", Idempotent: true, Queued: true},
	{Method: "GET", Path: "/v1/recalls", Op: ops.ListRecalls, Tag: "recalls", Summary: "List recalls, in recall ID order"},
	{Method: "GET", Path: "/v1/recalls/{recallId}", Op: ops.GetRecall, Tag: "recalls", Summary: "Read a recall"},
	{Method: "POST", Path: "/v1/recalls/{recallId}/acknowledge", Op: ops.AcknowledgeRecall, Tag: "recalls", Summary: "Acknowledge a recall for the caller's organisation", Created: true, Queued: true},
	{Method: "POST", Path: "/v1/recalls/{recallId}/amend", Op: ops.AmendRecall, Tag: "recalls", Summary: "Amend a started recall's class or depth, extend its scope (addScopes) or set a new acknowledgement deadline, with the reason (the party that started it, or a regulator)"},
	{Method: "POST", Path: "/v1/recalls/{recallId}/complete", Op: ops.CompleteRecall, Tag: "recalls", Summary: "Complete a recall: the recalling firm's actions are done (the party that started it, or a regulator)"},
	{Method: "POST", Path: "/v1/recalls/{recallId}/terminate", Op: ops.TerminateRecall, Tag: "recalls", Summary: "Terminate a completed recall (a regulator): at 100 % progress, or with override and the reason"},
	{Method: "POST", Path: "/v1/recalls/{recallId}/checks", Op: ops.CheckRecall, Tag: "recalls", Summary: "Record a regulator's effectiveness check of one holder (level A–E, effective or not)"},
	{Method: "GET", Path: "/v1/recalls/{recallId}/scope", Op: ops.RecallScope, Tag: "recalls", Summary: "Every affected unit grouped by holder, with counts and progress"},
	{Method: "GET", Path: "/v1/recalls/{recallId}/dispensed", Op: ops.RecallDispensed, Tag: "recalls", Summary: "The units of a recall the caller dispensed, with its own patient and prescription references (a dispenser)"},
	{Method: "GET", Path: "/v1/recalls/{recallId}/progress", Own: RecallProgress, Tag: "recalls", Summary: "How far a recall is: state, required, done (units and lot-level quantities), acknowledgements pending and overdue, effectiveness checks"},

	{Method: "GET", Path: "/v1/cases", Op: ops.ListCases, Tag: "cases", Summary: "Cases the caller may see (owner, manufacturer, reporter; a regulator all), optionally in one state, with overdue notices"},
	{Method: "GET", Path: "/v1/cases/{caseId}", Op: ops.GetCase, Tag: "cases", Summary: "Read a case: its alerts, notes, history and notice to the regulator"},
	{Method: "POST", Path: "/v1/cases/{caseId}/notes", Op: ops.NoteCase, Tag: "cases", Summary: "Write a note on a case"},
	{Method: "POST", Path: "/v1/cases/{caseId}/take", Op: ops.TakeCase, Tag: "cases", Summary: "Take a case over (a regulator; the manufacturer takes its own back)"},
	{Method: "POST", Path: "/v1/cases/{caseId}/investigate", Op: ops.InvestigateCase, Tag: "cases", Summary: "Start investigating an open case (its owner or a regulator)"},
	{Method: "POST", Path: "/v1/cases/{caseId}/close", Op: ops.CloseCase, Tag: "cases", Summary: "Close a case as confirmed or false_positive: a false positive lifts the block on the goods, a confirmed suspect product notifies the regulator"},

	{Method: "PUT", Path: "/v1/notifications/webhook", Own: NotifySetWebhook, Tag: "notifications", Summary: "Register the caller's organisation's webhook (url: https, or http to loopback; secret of at least 16 characters), in place of any other: recalls started and amended, reminders, licence expiry, cases; each POST signed in GS1-Signature"},
	{Method: "GET", Path: "/v1/notifications/webhook", Own: NotifyWebhook, Tag: "notifications", Summary: "The caller's organisation's webhook, without its secret"},
	{Method: "DELETE", Path: "/v1/notifications/webhook", Own: NotifyDeleteWebhook, Tag: "notifications", Summary: "Remove the caller's organisation's webhook: nothing more is sent"},
	{Method: "GET", Path: "/v1/notifications", Own: NotifyDeliveries, Tag: "notifications", Summary: "The notifications to the caller's organisation, newest first, paged: kind, subject, state (pending, delivered, failed), attempts, last error", Query: notifyQuery},

	{Method: "GET", Path: "/v1/outbox/{id}", Own: OutboxStatus, Tag: "outbox", Summary: "What became of a write queued while the ledger was unreachable"},

	{Method: "POST", Path: "/epcis/capture", Own: EPCISCapture, Tag: "epcis", Summary: "Capture an EPCIS 2.0 document (JSON-LD): 202 with the Location of a capture job that records each supported event as its own transaction (GS1-Capture-Error-Behaviour: rollback, the default, or proceed); a gateway without a job store answers per event (200)"},
	{Method: "GET", Path: "/epcis/capture", Own: EPCISJobs, Tag: "epcis", Summary: "The caller's capture jobs, oldest first, paged", Query: listQuery},
	{Method: "GET", Path: "/epcis/capture/{captureID}", Own: EPCISJob, Tag: "epcis", Summary: "A capture job: running, success, and the errors per event"},
	{Method: "POST", Path: "/epcis/events", Own: EPCISCaptureEvent, Tag: "epcis", Summary: "Capture one EPCIS event at once: 201 with its Location (/epcis/events/{eventID}), 409 if already recorded, 202 while the ledger is down"},
	{Method: "GET", Path: "/epcis/events", Own: EPCISEvents, Tag: "epcis", Summary: "EPCIS 2.0 SimpleEventQuery over the ledger's events (EQ_bizStep, MATCH_epc, GE_eventTime, LT_eventTime, perPage, nextPageToken, ...): an EPCISQueryDocument"},
	{Method: "GET", Path: "/epcis/epcs/{epc}/events", Own: EPCISEPCEvents, Tag: "epcis", Summary: "EPCIS events of one EPC (URN or percent-encoded Digital Link), containers' included"},
	{Method: "GET", Path: "/epcis/events/{eventID}", Own: EPCISEvent, Tag: "epcis", Summary: "One EPCIS event by its eventID (an EPCIS URI, urn:udiledger:event:… included): the reader's own under the ID, else the one it may see (ADR 015; by names the submitter when several); 404 when none", Query: []Param{{Name: "by", Type: "string", Description: "the submitter's MSP ID, when several organisations used the event ID"}}},
	{Method: "GET", Path: "/epcis/eventTypes", Own: EPCISEventTypes, Tag: "epcis", Summary: "The EPCIS event types the ledger records (a Collection)", Query: listQuery},
	{Method: "GET", Path: "/epcis/eventTypes/{eventType}/events", Own: EPCISEventTypeEvents, Tag: "epcis", Summary: "EPCIS events of one event type: GET /epcis/events with eventType"},
	{Method: "GET", Path: "/epcis/epcs", Own: EPCISEPCs, Tag: "epcis", Summary: "The EPCs named by the events the caller may see, each once per page (a Collection); a page reads at most 10,000 events", Query: listQuery},
	{Method: "GET", Path: "/epcis/bizSteps", Own: EPCISBizSteps, Tag: "epcis", Summary: "The business steps the gateway knows: the CBV's and the ledger's own (a Collection)", Query: listQuery},
	{Method: "GET", Path: "/epcis/bizSteps/{bizStep}/events", Own: EPCISBizStepEvents, Tag: "epcis", Summary: "EPCIS events of one business step: GET /epcis/events with EQ_bizStep"},
	{Method: "GET", Path: "/epcis/bizLocations", Own: EPCISBizLocations, Tag: "epcis", Summary: "The business locations of the events the caller may see, each once per page (a Collection); a page reads at most 10,000 events", Query: listQuery},
	{Method: "GET", Path: "/epcis/bizLocations/{bizLocation}/events", Own: EPCISBizLocationEvents, Tag: "epcis", Summary: "EPCIS events at one business location (SGLN, Digital Link or GLN): GET /epcis/events with EQ_bizLocation"},
	{Method: "GET", Path: "/epcis/readPoints", Own: EPCISReadPoints, Tag: "epcis", Summary: "The read points of the events the caller may see, each once per page (a Collection); a page reads at most 10,000 events", Query: listQuery},
	{Method: "GET", Path: "/epcis/readPoints/{readPoint}/events", Own: EPCISReadPointEvents, Tag: "epcis", Summary: "EPCIS events at one read point (SGLN, Digital Link or GLN): GET /epcis/events with EQ_readPoint"},
	{Method: "GET", Path: "/epcis/dispositions", Own: EPCISDispositions, Tag: "epcis", Summary: "The CBV dispositions (a Collection)", Query: listQuery},
	{Method: "GET", Path: "/epcis/dispositions/{disposition}/events", Own: EPCISDispositionEvents, Tag: "epcis", Summary: "EPCIS events of one disposition: GET /epcis/events with EQ_disposition"},
	{Method: "GET", Path: "/epcis", Own: EPCISRoot, Tag: "epcis", Summary: "The top-level resources of the EPCIS REST binding the gateway serves (a Collection)"},
	{Method: "GET", Path: "/epcis/eventTypes/{eventType}", Own: EPCISResource, Tag: "epcis", Summary: "The sub-resources of one event type (a Collection: events); 404 for what is not an EPCIS event type"},
	{Method: "GET", Path: "/epcis/epcs/{epc}", Own: EPCISResource, Tag: "epcis", Summary: "The sub-resources of one EPC (a Collection: events); 400 for what is no code"},
	{Method: "GET", Path: "/epcis/bizSteps/{bizStep}", Own: EPCISResource, Tag: "epcis", Summary: "The sub-resources of one business step (a Collection: events); 404 for one the gateway does not know"},
	{Method: "GET", Path: "/epcis/bizLocations/{bizLocation}", Own: EPCISResource, Tag: "epcis", Summary: "The sub-resources of one business location (a Collection: events); 400 for what is no location"},
	{Method: "GET", Path: "/epcis/readPoints/{readPoint}", Own: EPCISResource, Tag: "epcis", Summary: "The sub-resources of one read point (a Collection: events); 400 for what is no location"},
	{Method: "GET", Path: "/epcis/dispositions/{disposition}", Own: EPCISResource, Tag: "epcis", Summary: "The sub-resources of one disposition (a Collection: events); 404 for one the CBV does not define"},
	{Method: "DELETE", Path: "/epcis/nextPageToken/{token}", Own: EPCISReleasePageToken, Tag: "epcis", Summary: "Release a page token: 204, nothing is held (tokens are stateless and stay usable); 404 for a token this gateway cannot have given"},

	{Method: "GET", Path: "/epcis/queries", Own: EPCISQueries, Tag: "epcis", Summary: "The caller's organisation's named queries, by name", Query: listQuery},
	{Method: "POST", Path: "/epcis/queries", Own: EPCISCreateQuery, Tag: "epcis", Summary: "Create a named query (name and SimpleEventQuery parameters): 201 with its Location; 409 when the organisation has one of that name"},
	{Method: "GET", Path: "/epcis/queries/{queryName}", Own: EPCISQuery, Tag: "epcis", Summary: "A named query of the caller's organisation"},
	{Method: "DELETE", Path: "/epcis/queries/{queryName}", Own: EPCISDeleteQuery, Tag: "epcis", Summary: "Delete a named query and its subscriptions"},
	{Method: "GET", Path: "/epcis/queries/{queryName}/events", Own: EPCISQueryEvents, Tag: "epcis", Summary: "Run a named query (an EPCISQueryDocument, paged like GET /epcis/events); with Upgrade: websocket, a subscription: each report one text message holding an EPCISQueryDocument", Query: subscriptionQuery},
	{Method: "GET", Path: "/epcis/queries/{queryName}/subscriptions", Own: EPCISSubscriptions, Tag: "epcis", Summary: "The webhook subscriptions to a named query, oldest first", Query: listQuery},
	{Method: "POST", Path: "/epcis/queries/{queryName}/subscriptions", Own: EPCISSubscribe, Tag: "epcis", Summary: "Subscribe a webhook to a named query (dest, signatureToken, stream or schedule, reportIfEmpty, initialRecordTime): reports are POSTed as EPCISQueryDocuments signed in GS1-Signature"},
	{Method: "GET", Path: "/epcis/queries/{queryName}/subscriptions/{subscriptionID}", Own: EPCISSubscription, Tag: "epcis", Summary: "A webhook subscription: its last delivery, failures and dead letters"},
	{Method: "DELETE", Path: "/epcis/queries/{queryName}/subscriptions/{subscriptionID}", Own: EPCISUnsubscribe, Tag: "epcis", Summary: "Unsubscribe"},

	{Method: "GET", Path: "/01/{path}", Own: Resolve, Tag: "resolver", Summary: "GS1-Conformant Digital Link resolver: whether the code is genuine and may be used (JSON, or HTML for browsers), names no party; linkType redirects (307) to a link, linkset (or Accept: application/linkset+json) answers the linkset", Public: true, Query: resolverQuery},
	{Method: "HEAD", Path: "/01/{path}", Own: Resolve, Tag: "resolver", Summary: "The resolver's answer without its body: the Link header names the linkset and the links", Public: true, Query: resolverQuery},
	{Method: "GET", Path: "/.well-known/gs1resolver", Own: ResolverInfo, Tag: "resolver", Summary: "The resolver's description (GS1-Conformant resolver): its root, keys and link type namespace", Public: true},
}
