package hashid

import "testing"

func TestTimestamp(t *testing.T) {
	tests := []struct{ give, want string }{
		{"2020-03-04T11:00:30+01:00", "2020-03-04T10:00:30.000Z"},
		{"2005-04-05T02:33:31.116-06:00", "2005-04-05T08:33:31.116Z"},
		{"2019-04-02T13:05:00.5Z", "2019-04-02T13:05:00.500Z"},
		{"2023-01-18T11:04:03.1415Z", "2023-01-18T11:04:03.142Z"},
		{"2023-01-18T11:04:03.1414999Z", "2023-01-18T11:04:03.141Z"},
		{"2023-12-31T23:59:59.9995Z", "2024-01-01T00:00:00.000Z"},
		{" 2020-01-01T00:00:00Z ", "2020-01-01T00:00:00.000Z"},
	}
	for _, tt := range tests {
		got, err := timestamp(tt.give)
		if err != nil || got != tt.want {
			t.Errorf("timestamp(%q) = %q, %v; want %q", tt.give, got, err, tt.want)
		}
	}
	for _, bad := range []string{"2020-03-04", "yesterday", "2020-03-04T11:00:30"} {
		if got, err := timestamp(bad); err == nil {
			t.Errorf("timestamp(%q) = %q, want an error", bad, got)
		}
	}
}

func TestNumber(t *testing.T) {
	tests := []struct {
		give string
		want string
		ok   bool
	}{
		{"1", "1", true},
		{"1.0", "1", true},
		{"23.0", "23", true},
		{"200.5", "200.5", true},
		{"0.3434000", "0.3434", true},
		{"+5", "5", true},
		{"-0.0", "0", true},
		{".5", "0.5", true},
		{"1e3", "1000", true},
		{"1e20", "100000000000000000000", true},
		{"0.0001", "0.0001", true},
		{"0.00001", "1e-05", true},
		{"-477979.89", "-477979.89", true},
		{"2019-10-21", "", false},
		{"+01:00", "", false},
		{"12a", "", false},
		{"e5", "", false},
		{"1e", "", false},
		{"1e999", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := number(tt.give)
		if got != tt.want || ok != tt.ok {
			t.Errorf("number(%q) = %q, %v; want %q, %v", tt.give, got, ok, tt.want, tt.ok)
		}
	}
}

func TestVocab(t *testing.T) {
	const shipping = "https://ref.gs1.org/cbv/BizStep-shipping"
	tests := []struct{ give, prefix, want string }{
		{"shipping", vocBizStep, shipping},
		{"cbv:BizStep-shipping", vocBizStep, shipping},
		{"urn:epcglobal:cbv:bizstep:shipping", vocBizStep, shipping},
		{shipping, vocBizStep, shipping},
		{" in_transit ", vocDisp, "https://ref.gs1.org/cbv/Disp-in_transit"},
		{"urn:epcglobal:cbv:disp:in_transit", vocDisp, "https://ref.gs1.org/cbv/Disp-in_transit"},
		{"po", vocBTT, "https://ref.gs1.org/cbv/BTT-po"},
		{"urn:epcglobal:cbv:btt:po", vocBTT, "https://ref.gs1.org/cbv/BTT-po"},
		{"owning_party", vocSDT, "https://ref.gs1.org/cbv/SDT-owning_party"},
		{"urn:epcglobal:cbv:sdt:owning_party", vocSDT, "https://ref.gs1.org/cbv/SDT-owning_party"},
		{"Temperature", vocMeasure, "https://gs1.org/voc/Temperature"},
		{"gs1:Temperature", vocMeasure, "https://gs1.org/voc/Temperature"},
		{"example:someSensorProperty", vocMeasure, "example:someSensorProperty"},
		{"http://epcis.example.com/user/vocab/bizstep/exampling", vocBizStep, "http://epcis.example.com/user/vocab/bizstep/exampling"},
	}
	for _, tt := range tests {
		if got := vocab(tt.give, tt.prefix); got != tt.want {
			t.Errorf("vocab(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}

func TestValueIdentifiers(t *testing.T) {
	tests := []struct{ give, want string }{
		{"urn:epc:id:sgtin:0614141.107346.2018", "https://id.gs1.org/01/10614141073464/21/2018"},
		{"urn:epc:id:sscc:4012345.0000000111", "https://id.gs1.org/00/040123450000001112"},
		{"urn:epc:id:sgln:0012345.11111.400", "https://id.gs1.org/414/0012345111112/254/400"},
		{"urn:epc:id:sgln:0012345.11111.0", "https://id.gs1.org/414/0012345111112"},
		{"urn:epc:id:pgln:4012345.00225", "https://id.gs1.org/417/4012345002256"},
		{"urn:epc:id:gdti:0614141.00001.1618034", "https://id.gs1.org/253/06141410000121618034"},
		{"urn:epc:id:gsrn:0614141.0000010253", "https://id.gs1.org/8018/061414100000102534"},
		{"urn:epc:id:giai:4000001.111", "https://id.gs1.org/8004/4000001111"},
		{"urn:epc:class:lgtin:4012345.012345.998877", "https://id.gs1.org/01/04012345123456/10/998877"},
		{"urn:epc:idpat:sgtin:4012345.066666.*", "https://id.gs1.org/01/04012345666663"},
		// Digital Links: another host, query string and coarser qualifiers go.
		{"https://example.org/8004/401234599999", "https://id.gs1.org/8004/401234599999"},
		{"https://id.gs1.org/01/09506000134352/10/ABC/21/XYZ?17=241231", "https://id.gs1.org/01/09506000134352/21/XYZ"},
		{"https://brand.example.com/dl/01/09506000134352/22/V1/10/ABC", "https://id.gs1.org/01/09506000134352/10/ABC"},
		{"https://id.gs1.org/01/9506000134352", "https://id.gs1.org/01/09506000134352"},
		// Not GS1 identifiers: unchanged.
		{"https://www.ncbi.nlm.nih.gov/taxonomy/1126011", "https://www.ncbi.nlm.nih.gov/taxonomy/1126011"},
		{"urn:epcglobal:cbv:bt:5200001000008:4711", "urn:epcglobal:cbv:bt:5200001000008:4711"},
		{"urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"},
		{"geo:47.506694,11.104301", "geo:47.506694,11.104301"},
		{"urn:epc:id:sgtin:garbage", "urn:epc:id:sgtin:garbage"},
	}
	for _, tt := range tests {
		if got := value(tt.give); got != tt.want {
			t.Errorf("value(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}
