package server

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// metrics are the server's Prometheus metrics. They are registered on Config.Metrics; with no
// registerer they are kept but never exported.
type metrics struct {
	requests *prometheus.HistogramVec
}

// newMetrics creates the request histogram and registers it with the response cache's counters
// and the build durations of svc on reg (when reg is not nil).
func newMetrics(reg prometheus.Registerer, c *cache, svc spatlas.AnalysisService) *metrics {
	m := &metrics{
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "spatlas",
			Name:      "http_request_duration_seconds",
			Help:      "Time to answer an HTTP request, by route pattern, method and status.",
			Buckets:   []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method", "status"}),
	}
	if reg == nil {
		return m
	}
	reg.MustRegister(m.requests)
	if c != nil {
		reg.MustRegister(
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Namespace: "spatlas", Name: "cache_hits_total",
				Help: "Lookups of the /ogc response cache that found a response.",
			}, func() float64 { return float64(c.hits.Load()) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Namespace: "spatlas", Name: "cache_misses_total",
				Help: "Lookups of the /ogc response cache that found none.",
			}, func() float64 { return float64(c.misses.Load()) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Namespace: "spatlas", Name: "cache_bytes",
				Help: "Bytes held by the /ogc response cache.",
			}, func() float64 { return float64(c.bytes()) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Namespace: "spatlas", Name: "cache_entries",
				Help: "Responses held by the /ogc response cache.",
			}, func() float64 { return float64(c.len()) }),
		)
	}
	if svc != nil {
		reg.MustRegister(newBuildCollector(svc))
	}
	return m
}

// observe records a finished request in the latency histogram, under the route pattern chi
// matched (bounded, unlike paths).
func (m *metrics) observe(route, method string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	if method != "GET" && method != "HEAD" && method != "OPTIONS" {
		method = "other"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Observe(d.Seconds())
}

// buildCollector reports how long the last metrics build of each edition took, read from the
// store when scraped.
type buildCollector struct {
	svc  spatlas.AnalysisService
	desc *prometheus.Desc
}

func newBuildCollector(svc spatlas.AnalysisService) buildCollector {
	return buildCollector{svc: svc, desc: prometheus.NewDesc("spatlas_build_duration_seconds",
		"Duration of the last metrics build of an edition.", []string{"edition"}, nil)}
}

func (c buildCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c buildCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	bs, err := c.svc.Builds(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for _, b := range bs {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue,
			b.Report.Duration.Seconds(), b.Edition)
	}
}
