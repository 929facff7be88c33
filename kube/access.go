package kube

import (
	"context"
	"slices"

	"github.com/csrtui/csrtui/certs"

	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// selfAllowed asks the apiserver whether csrtui's own identity may do something
// (a SelfSubjectAccessReview, which every authenticated user may create).
func (c *Client) selfAllowed(ctx context.Context, attrs authorizationv1.ResourceAttributes) (bool, error) {
	ctx, cancel := c.bound(ctx)
	defer cancel()
	review, err := c.Interface.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
		Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &attrs},
	}, metav1.CreateOptions{})
	if err != nil {
		return false, err
	}
	return review.Status.Allowed, nil
}

// Capabilities asks the cluster what user, in groups (and system:authenticated,
// which every authenticated identity has), could do: one SubjectAccessReview for
// each of certs.CapabilityProbes.
func (c *Client) Capabilities(ctx context.Context, user string, groups []string) ([]certs.Capability, error) {
	groups = slices.Clone(groups)
	if !slices.Contains(groups, "system:authenticated") {
		groups = append(groups, "system:authenticated")
	}
	probes := certs.CapabilityProbes()
	err := c.reviewEach(ctx, len(probes),
		func(ctx context.Context, i int) (authorizationv1.SubjectAccessReviewStatus, error) {
			p := probes[i]
			review, err := c.Interface.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{
				Spec: authorizationv1.SubjectAccessReviewSpec{
					User:   user,
					Groups: groups,
					ResourceAttributes: &authorizationv1.ResourceAttributes{
						Verb: p.Verb, Group: p.Group, Resource: p.Resource, Subresource: p.Subresource,
					},
				},
			}, metav1.CreateOptions{})
			if err != nil {
				return authorizationv1.SubjectAccessReviewStatus{}, err
			}
			return review.Status, nil
		},
		func(i int, allowed bool, reason string) { probes[i].Allowed, probes[i].Reason = allowed, reason })
	if err != nil {
		return nil, accessCheckError("subjectaccessreviews", err)
	}
	return probes, nil
}
