package kube

import (
	"context"

	"golang.org/x/sync/errgroup"
	authorizationv1 "k8s.io/api/authorization/v1"
)

// reviewsAtOnce bounds the access reviews in flight: a permissions check asks
// two questions for each signer seen, and a cluster with many signers must
// not get them all in one burst (client-go's rate limiter would queue them
// anyway, each waiting on the others' deadline).
const reviewsAtOnce = 8

// reviewEach runs n access reviews, reviewsAtOnce at a time, within the
// request timeout, and hands each answer to take (from one goroutine per
// review: take writes only what belongs to its index). The first error ends
// the rest and is returned.
func (c *Client) reviewEach(ctx context.Context, n int,
	review func(ctx context.Context, i int) (authorizationv1.SubjectAccessReviewStatus, error),
	take func(i int, allowed bool, reason string),
) error {
	ctx, cancel := c.bound(ctx)
	defer cancel()
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(reviewsAtOnce)
	for i := range n {
		g.Go(func() error {
			status, err := review(ctx, i)
			if err != nil {
				return err
			}
			reason := status.Reason
			if reason == "" {
				reason = status.EvaluationError
			}
			take(i, status.Allowed, reason)
			return nil
		})
	}
	return g.Wait()
}
