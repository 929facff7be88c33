package kube

import (
	"context"
	"sync"

	"github.com/csrtui/csrtui/certs"

	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Permissions asks the apiserver what csrtui's own identity may do: one
// SelfSubjectAccessReview for each of certs.PermissionProbes(signers), all at
// once, within the request timeout.
//
// SelfSubjectAccessReviews rather than one SelfSubjectRulesReview: a rules
// review lists what RBAC grants, but is not authoritative when the cluster
// also runs a webhook or another authorizer that can't enumerate its rules
// (the answer is then marked incomplete), and it says nothing of what an
// admission plugin checks. An access review asks every authorizer exactly the
// question the real request will ask, approve on signers included.
func (c *Client) Permissions(ctx context.Context, signers []string) (certs.Permissions, error) {
	ctx, cancel := c.bound(ctx)
	defer cancel()

	probes := certs.PermissionProbes(signers)
	errs := make([]error, len(probes))
	var wg sync.WaitGroup
	for i := range probes {
		wg.Go(func() {
			p := &probes[i]
			review, err := c.Interface.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
				Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
					Verb: p.Verb, Group: p.Group, Resource: p.Resource, Subresource: p.Subresource, Name: p.Name,
				}},
			}, metav1.CreateOptions{})
			if err != nil {
				errs[i] = err
				return
			}
			p.Allowed = review.Status.Allowed
			p.Reason = review.Status.Reason
			if p.Reason == "" && review.Status.EvaluationError != "" {
				p.Reason = review.Status.EvaluationError
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return certs.Permissions{}, permissionsError(err)
		}
	}
	return certs.Permissions{Answers: probes}, nil
}
