package engine

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkWhatIf evaluates one added link worker site on a random edition of England's size.
func BenchmarkWhatIf(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	in := randomInput(rng, 33000, 5000, 5000)
	for i := range in.LSOAs { // a city's density: 33,000 points in 60 km x 60 km
		in.LSOAs[i].X *= 2
		in.LSOAs[i].Y *= 2
	}
	m, err := New(in)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		l := in.LSOAs[rng.IntN(len(in.LSOAs))]
		if _, err := m.Evaluate(Change{Add: []NewSite{{Kind: LinkWorker, Site: Site{X: l.X, Y: l.Y, Supply: 1}}}}, "lw_fte_per_10k"); err != nil {
			b.Fatal(err)
		}
	}
}
