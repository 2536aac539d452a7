package scenarios_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/spatlas/spatlas/internal/app"
	"github.com/spatlas/spatlas/internal/spatlas"
	"github.com/spatlas/spatlas/internal/testenv/pgtest"
)

// TestPlannerOnRealData runs the planning use cases against the store on the real data: a
// scenario is projected, answered, stored and read back; a site at sea is refused; a
// suggestion in Leeds opens a scenario.
func TestPlannerOnRealData(t *testing.T) {
	db := pgtest.Real(t)
	ctx := context.Background()
	p := app.NewPlanner(db, 0)
	if err := p.Load(ctx, "iod2019", "iod2025"); err != nil {
		t.Fatal(err)
	}
	lon, lat, fte := -1.5491, 53.7997, 2.0 // Leeds
	req := app.ScenarioRequest{Edition: "iod2025", Sites: []app.ScenarioSite{{Lon: &lon, Lat: &lat, Kind: "link_worker", FTE: &fte, Label: "Leeds"}}}
	s, err := p.CreateScenario(ctx, req, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if s.Summary.Metric != "lw_fte_per_10k" || s.Summary.ChangedLSOA == 0 || s.Summary.FTEAdded != 2 {
		t.Errorf("summary %+v", s.Summary)
	}
	got, err := p.GetScenario(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(s.Summary)
	b, _ := json.Marshal(got.Summary)
	if string(a) != string(b) {
		t.Errorf("read back %s, created %s", b, a)
	}
	rows := got.Changed()
	geoms, err := p.LSOAGeometries(ctx, "iod2025", []string{rows[0].Code})
	if err != nil || len(geoms) != 1 {
		t.Errorf("geometries: %v, %d", err, len(geoms))
	}
	sea := -30.0
	req.Sites[0].Lon = &sea
	if _, err := p.CreateScenario(ctx, req, "192.0.2.1"); spatlas.ErrorCode(err) != spatlas.EINVALID {
		t.Errorf("a site at sea: %v", err)
	}
	if _, err := p.GetScenario(ctx, "0123456789abcdef0123456789abcdef"); spatlas.ErrorCode(err) != spatlas.ENOTFOUND {
		t.Errorf("unknown id: %v", err)
	}
	sg, err := p.Suggest(ctx, app.SuggestRequest{Edition: "iod2025", Count: 3, Area: "E08000035",
		Candidates: json.RawMessage(`"lsoa"`), Catchment: 1000}, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if len(sg.Sites) != 3 || sg.Scenario == "" || sg.Sites[2].Cumulative <= sg.Sites[0].Gain {
		t.Errorf("suggestion %+v", sg)
	}
	byScore, err := p.Suggest(ctx, app.SuggestRequest{Edition: "iod2025", Count: 3, Area: "E08000035",
		Candidates: json.RawMessage(`"lsoa"`), Catchment: 1000, WeightMetric: "imd_score"}, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if len(byScore.Sites) != 3 || byScore.Weight != "metric:imd_score" || byScore.Sites[0].Gain <= 0 {
		t.Errorf("suggestion by IMD score %+v", byScore)
	}
	scores, err := db.LSOAMetric(ctx, "iod2025", "imd_score")
	if err != nil || len(scores) < 33000 {
		t.Errorf("imd_score of %d LSOAs: %v", len(scores), err)
	}
	t.Logf("Leeds what-if: %d LSOAs changed, %d percentile shifts; suggestion in Leeds at 1 km: %+v", s.Summary.ChangedLSOA, s.Summary.ShiftedLSOA, sg.Sites)
}
