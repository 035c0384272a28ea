package main

import (
	"context"
	"os"
	"os/exec"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// handle serves an API Gateway proxy event: its path and query parameters
// and body are the caller's.
func handle(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	name := req.PathParameters["name"]
	data, err := os.ReadFile("/srv/files/" + name) // want "path-traversal"
	if err != nil {
		return events.APIGatewayProxyResponse{StatusCode: 404}, nil
	}
	out, _ := exec.Command("sh", "-c", "convert "+req.QueryStringParameters["img"]).Output() // want "command-injection"
	return events.APIGatewayProxyResponse{StatusCode: 200, Body: string(data) + string(out)}, nil
}

// onQueue is not an HTTP handler: an SQS message is not the caller's
// request.
func onQueue(ctx context.Context, ev events.SQSEvent) error {
	for _, m := range ev.Records {
		_, _ = os.ReadFile("/srv/queue/" + m.MessageId)
	}
	return nil
}

func main() {
	lambda.Start(handle)
}
