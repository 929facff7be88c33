package kube

import (
	"context"

	"github.com/csrtui/csrtui/certs"

	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Permissions asks the apiserver what csrtui's own identity may do: one
// SelfSubjectAccessReview for each of certs.PermissionProbes(signers), a few at
// a time, all within the request timeout.
//
// SelfSubjectAccessReviews rather than one SelfSubjectRulesReview: a rules
// review lists what RBAC grants, but is not authoritative when the cluster
// also runs a webhook or another authorizer that can't enumerate its rules
// (the answer is then marked incomplete), and it says nothing of what an
// admission plugin checks. An access review asks every authorizer exactly the
// question the real request will ask, approve on signers included.
func (c *Client) Permissions(ctx context.Context, signers []string) (certs.Permissions, error) {
	probes := certs.PermissionProbes(signers)
	err := c.reviewEach(ctx, len(probes),
		func(ctx context.Context, i int) (authorizationv1.SubjectAccessReviewStatus, error) {
			p := probes[i]
			review, err := c.Interface.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
				Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
					Verb: p.Verb, Group: p.Group, Resource: p.Resource, Subresource: p.Subresource, Name: p.Name,
				}},
			}, metav1.CreateOptions{})
			if err != nil {
				return authorizationv1.SubjectAccessReviewStatus{}, err
			}
			return review.Status, nil
		},
		func(i int, allowed bool, reason string) { probes[i].Allowed, probes[i].Reason = allowed, reason })
	if err != nil {
		return certs.Permissions{}, permissionsError(err)
	}
	return certs.Permissions{Answers: probes}, nil
}
