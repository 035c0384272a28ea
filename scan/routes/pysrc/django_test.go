package pysrc

import "testing"

func TestDjangoRegex(t *testing.T) {
	tests := map[string]string{
		`^archive/(?P<year>[0-9]{4})/$`:        "archive/{year}/",
		`^coc/(?:(?P<lang>[a-z-]+)/)?$`:        "coc/{lang}/",
		`^articles/([0-9]+)/$`:                 "articles/{param}/",
		`^robots\.txt$`:                        "robots.txt",
		`^(?P<slug>[-\w]+)/(?P<pk>\d+)/edit/$`: "{slug}/{pk}/edit/",
	}
	for in, want := range tests {
		if got := djangoRegex(in); got != want {
			t.Errorf("djangoRegex(%q) = %q, want %q", in, got, want)
		}
	}
}
