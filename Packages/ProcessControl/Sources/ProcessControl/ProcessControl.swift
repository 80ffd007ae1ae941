// ProcessControl: placeholder, the API lands next.
