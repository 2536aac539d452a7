package spatlas

import "testing"

func TestCollectionByID(t *testing.T) {
	tests := []struct {
		name, id       string
		edition, level string
		title          string
		property       string // a property the collection has
		notFound       bool
	}{
		{name: "LSOAs", id: "iod2019-lsoa", edition: "iod2019", level: LevelLSOA, property: "imd_decile"},
		{name: "regions with metrics", id: "iod2025-region", edition: "iod2025", level: LevelRegion, property: "gap"},
		{name: "assets", id: CollectionAssets, level: CollectionAssets, title: "Community assets", property: "category"},
		{name: "services", id: CollectionServices, level: CollectionServices, title: "Social prescribing link worker services", property: "provider_type"},
		{name: "no level", id: "iod2019-ward", notFound: true},
		{name: "no edition", id: "iod1999-lsoa", notFound: true},
		{name: "no dash", id: "nope", notFound: true},
		{name: "empty", id: "", notFound: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := CollectionByID(tt.id)
			if tt.notFound {
				if ErrorCode(err) != ENOTFOUND {
					t.Errorf("err %v, want ENOTFOUND", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.ID != tt.id || c.Edition.ID != tt.edition || c.Level != tt.level || c.Title != tt.title {
				t.Errorf("got %s %s %s %q, want %s %s %s %q", c.ID, c.Edition.ID, c.Level, c.Title, tt.id, tt.edition, tt.level, tt.title)
			}
			if _, ok := c.Property(tt.property); !ok {
				t.Errorf("no property %s", tt.property)
			}
		})
	}
}

func TestMustCollectionPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for an unknown collection")
		}
	}()
	MustCollection("nope")
}
