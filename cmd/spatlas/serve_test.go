package main

import (
	"flag"
	"io"
	"testing"
	"time"
)

func TestServeFlagsFromEnvironment(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		conns   int
		acquire time.Duration
		metrics string
		rate    float64
		wantErr bool
	}{
		{name: "defaults", conns: 8, acquire: 3 * time.Second, rate: 100},
		{name: "environment", env: map[string]string{"SPATLAS_DB_MAX_CONNS": "16", "SPATLAS_DB_ACQUIRE_TIMEOUT": "500ms", "SPATLAS_METRICS_ADDR": "127.0.0.1:9090", "SPATLAS_RATE_LIMIT": "0"},
			conns: 16, acquire: 500 * time.Millisecond, metrics: "127.0.0.1:9090"},
		{name: "flag beats environment", args: []string{"-db-max-conns", "4"}, env: map[string]string{"SPATLAS_DB_MAX_CONNS": "16"},
			conns: 4, acquire: 3 * time.Second, rate: 100},
		{name: "bad environment value", env: map[string]string{"SPATLAS_READ_TIMEOUT": "soon"}, wantErr: true},
		{name: "pool of none", args: []string{"-db-max-conns", "0"}, wantErr: true},
		{name: "more kept open than the pool holds", args: []string{"-db-max-conns", "2", "-db-min-conns", "3"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := env{getenv: func(k string) string { return tt.env[k] }, stderr: io.Discard}
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			sf := addServeFlags(fs, e)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			err := sf.applyEnv(fs, e)
			if tt.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			o := sf.dbOptions()
			if int(o.MaxConns) != tt.conns || o.AcquireTimeout != tt.acquire || *sf.metricsAddr != tt.metrics || *sf.rateLimit != tt.rate {
				t.Errorf("conns %d, acquire %v, metrics %q, rate %v", o.MaxConns, o.AcquireTimeout, *sf.metricsAddr, *sf.rateLimit)
			}
		})
	}
}
