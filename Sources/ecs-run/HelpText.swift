/// The longer help texts: examples, environment variables and exit codes.
enum HelpText {
    static let exitCodes = """
        EXIT CODES (as docker run):
          0-255  the container's own exit code; with several essential containers,
                 the first non-zero one, where 137 and 143 of the containers that
                 ECS stopped because another one exited count last (--container
                 picks the one that decides)
          64     usage error (bad or missing option)
          124    --timeout reached (the task is stopped unless --on-timeout leave)
          125    ecs-run or the launch failed: credentials, an AWS error such as
                 ClusterNotFoundException or AccessDenied, RunTask failures, or a task
                 that stopped without an exit code (CannotPullContainerError,
                 ResourceInitializationError, TaskFailedToStart, ...)
          130    interrupted by SIGINT, SIGTERM, SIGHUP or SIGQUIT (the task is stopped
                 once unless --on-interrupt leave)
        """

    static let environment = """
        ENVIRONMENT:
          Every option can come from ECS_RUN_<NAME>: the long name upper-cased with
          '-' as '_'. An empty variable counts as unset. Flags on the command line
          win.
            ECS_RUN_CLUSTER=prod ECS_RUN_TASK_DEFINITION=app-migrate
            ECS_RUN_TIMEOUT=15m                ECS_RUN_LAUNCH_TYPE=FARGATE
            ECS_RUN_SUBNETS=subnet-1,subnet-2  ECS_RUN_SECURITY_GROUPS=sg-1
            ECS_RUN_NETWORK_FROM_SERVICE=app   ECS_RUN_CONTAINER=migrate
            ECS_RUN_NO_LOGS=true               (flags: true/false, 1/0, yes/no)
            ECS_RUN_ASSIGN_PUBLIC_IP=false     (the same as --no-assign-public-ip)
            ECS_RUN_ENV=$'A=1\\nB=2'            (repeatable options: one value per line)
          AWS settings resolve like the AWS CLI: AWS_PROFILE, AWS_REGION,
          AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, web identity,
          ECS and EC2 instance credentials, AWS_ENDPOINT_URL(_ECS, _CLOUDWATCH_LOGS).
          IAM Identity Center (SSO) profiles (sso_session, or the legacy
          sso_start_url) use the token `aws sso login` cached; an expired one
          names the login command to run.
          NO_COLOR disables colour; progress is plain lines when stderr is not
          a terminal, and one status line updated in place when it is.
        """

    static let run = """
        Reads the task definition (containers, which are essential, awslogs settings),
        calls RunTask, follows the task with DescribeTasks (about every second, every
        5 s after five minutes; throttling and network errors are retried until
        --timeout), streams the awslogs streams, and exits with the container's code.

        With --wait-for exit (default) the task is done as soon as every essential
        container has an exit code, which on Fargate can be well before STOPPED.
        Logs are then read until two reads in a row are empty, or 5 s pass.

        Progress goes to stderr; the container's log lines go to stdout (stderr with
        --output json, whose stdout holds only the result).

        EXAMPLES:
          Run database migrations with the network settings of the app's service:
            ecs-run --cluster prod --task-definition app-migrate \\
                    --network-from-service app --timeout 15m -- ./migrate up

          Explicit networking, an extra variable, a JSON result for a script:
            ecs-run --cluster prod --task-definition app:42 --launch-type FARGATE \\
                    --subnets subnet-0a,subnet-0b --security-groups sg-0c \\
                    -e LOG_LEVEL=debug --output json -- ./task.sh

          From Terraform (a shell stays in between, so that when Terraform kills it
          on Ctrl-C, ecs-run sees its parent die and stops the task):
            provisioner "local-exec" {
              command     = "ecs-run; exit $?"
              environment = {
                ECS_RUN_CLUSTER              = aws_ecs_cluster.main.name
                ECS_RUN_TASK_DEFINITION      = aws_ecs_task_definition.migrate.arn
                ECS_RUN_NETWORK_FROM_SERVICE = aws_ecs_service.app.name
                ECS_RUN_TIMEOUT              = "15m"
              }
            }

          See the request without sending it:
            ecs-run --task-definition app --subnets subnet-0a --container app \\
                    --dry-run -- echo hello

        \(environment)

        \(exitCodes)
        """

    static let wait = """
        Follows tasks started elsewhere, streaming their logs, and exits like run:
        with the first non-zero exit code, or 124 on --timeout, 130 when interrupted,
        125 when a task stopped without an exit code.

        EXAMPLES:
          ecs-run wait --cluster prod 0123456789abcdef --timeout 30m
          a=$(ecs-run --no-wait --cluster prod --task-definition job -- ./a)
          b=$(ecs-run --no-wait --cluster prod --task-definition job -- ./b)
          ecs-run wait --cluster prod "$a" "$b"

        Options also come from ECS_RUN_<NAME>, e.g. ECS_RUN_CLUSTER, ECS_RUN_TIMEOUT.

        \(exitCodes)
        """

    static let logs = """
        Reads the awslogs streams named by the task definition
        (prefix/container/task-id) from the beginning, and prints the lines as text
        on stdout. Without --follow it says "no log events yet" on stderr when there
        are none. With --follow a stream that does not exist yet is waited for
        quietly.

        EXAMPLES:
          ecs-run logs --cluster prod 0123456789abcdef
          ecs-run logs --cluster prod --follow 0123456789abcdef

        Options also come from ECS_RUN_<NAME>, e.g. ECS_RUN_CLUSTER.
        EXIT CODES: 0 done, 64 usage, 125 AWS error, 130 interrupted.
        """

    static let stop = """
        Sends StopTask once and prints the task ARN.

        EXAMPLES:
          ecs-run stop --cluster prod 0123456789abcdef --reason "deploy cancelled"

        Options also come from ECS_RUN_<NAME>, e.g. ECS_RUN_CLUSTER, ECS_RUN_REASON.
        EXIT CODES: 0 StopTask accepted, 64 usage, 125 AWS error.
        """
}
