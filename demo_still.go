package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/csrtui/csrtui/kube"
	"github.com/csrtui/csrtui/kube/demo"
)

// stillDemoEnv, set to an RFC 3339 time, makes --demo stand still at that time
// (demo.StartStill), so that hack/screenshots.sh takes the same pictures in
// every run. It is an environment variable rather than a flag because it is
// for the pictures and their test, not for admins.
const stillDemoEnv = "CSRTUI_DEMO_STILL"

// startDemo starts the demo cluster and returns the clock the console must
// use with it (nil: the real one).
func startDemo(ctx context.Context) (*kube.Client, func() time.Time, error) {
	v := os.Getenv(stillDemoEnv)
	if v == "" {
		client, err := demo.Start(ctx)
		return client, nil, err
	}
	at, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, nil, fmt.Errorf("%s=%q is not an RFC 3339 time such as 2026-05-04T12:00:00Z", stillDemoEnv, v)
	}
	client, err := demo.StartStill(ctx, at)
	return client, func() time.Time { return at }, err
}
