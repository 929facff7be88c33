package kube

import (
	"context"
	"errors"

	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// WhoAmI asks the apiserver who csrtui's requests are authenticated as (a
// SelfSubjectReview, authentication.k8s.io/v1, what `kubectl auth whoami`
// asks): the user name and groups, impersonation applied. Every
// authenticated user may ask (the system:basic-user role). The error says
// why the apiserver could not say.
func (c *Client) WhoAmI(ctx context.Context) (user string, groups []string, err error) {
	ctx, cancel := c.bound(ctx)
	defer cancel()
	review, err := c.Interface.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil {
		return "", nil, &actionError{msg: "could not ask the apiserver who csrtui is: " + describe(err), err: err}
	}
	u := review.Status.UserInfo
	if u.Username == "" {
		return "", nil, errors.New("the apiserver's SelfSubjectReview named no user")
	}
	return u.Username, u.Groups, nil
}
