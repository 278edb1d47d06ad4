# The module's wiring on one machine: terraform_data stand-ins replace the AWS resources (no provider can
# be downloaded here), but the migration step is the shared run-task module, whose local-exec really
# calls ecs-run against the local ECS. Run it with the local stack's environment (../README.md: "The
# example (`example/`), offline"); AWS_ENDPOINT_URL and the keys reach the aws CLI and ecs-run through the inherited environment.
#
#   database (aws_db_instance) ─┐
#   log_group ─ task_definition ┴─ module.migrate (ecs-run … -- up) ─ service (aws_ecs_service)

terraform {
  required_version = ">= 1.4"
}

locals {
  db_secret_arn = "arn:aws:secretsmanager:${var.region}:${var.account_id}:secret:${var.db_secret_name}"

  template = jsondecode(templatefile("${path.module}/../../migrator.json", {
    FAMILY             = var.family
    IMAGE              = var.image
    EXECUTION_ROLE_ARN = "arn:aws:iam::${var.account_id}:role/${var.family}-execution"
    TASK_ROLE_ARN      = "arn:aws:iam::${var.account_id}:role/${var.family}-task"
    REGION             = var.region
    LOG_GROUP          = terraform_data.log_group.output
    DB_HOST            = terraform_data.database.output.host
    DB_PORT            = tostring(terraform_data.database.output.port)
    DB_NAME            = terraform_data.database.output.name
    DB_USER            = terraform_data.database.output.user
    DB_SECRET_ARN      = terraform_data.database.output.secret_arn
  }))

  # Where the local stack differs from RDS and the image: PostgreSQL without TLS, migrations in a directory.
  local_environment = {
    PGSSLMODE      = "disable"
    MIGRATIONS_DIR = abspath(var.migrations_dir)
  }
  container = local.template.containerDefinitions[0]
  task_definition = merge(local.template, {
    containerDefinitions = [merge(local.container, {
      environment = concat(
        [for variable in local.container.environment : variable if !contains(keys(local.local_environment), variable.name)],
        [for name, value in local.local_environment : { name = name, value = value }],
      )
    })]
  })
}

# Stand-in for aws_db_instance with manage_master_user_password: the address, and the managed secret.
resource "terraform_data" "database" {
  input = {
    host       = var.db_host
    port       = var.db_port
    name       = var.db_name
    user       = var.db_user
    secret_arn = local.db_secret_arn
  }

  provisioner "local-exec" {
    command = <<-EOT
      "$AWS" secretsmanager create-secret --name "$SECRET_NAME" --secret-string "$SECRET_STRING" >/dev/null 2>&1 ||
        "$AWS" secretsmanager put-secret-value --secret-id "$SECRET_NAME" --secret-string "$SECRET_STRING" >/dev/null
    EOT
    environment = {
      AWS           = var.aws_cli
      SECRET_NAME   = var.db_secret_name
      SECRET_STRING = jsonencode({ username = var.db_user, password = var.db_password })
    }
  }
}

# Stand-in for aws_cloudwatch_log_group.
resource "terraform_data" "log_group" {
  input = var.log_group

  provisioner "local-exec" {
    command     = "\"$AWS\" logs create-log-group --log-group-name \"$LOG_GROUP\" 2>/dev/null || true"
    environment = { AWS = var.aws_cli, LOG_GROUP = var.log_group }
  }
}

# Stand-in for aws_ecs_task_definition: registers a new revision whenever the definition changes. Its output
# is the family, whose newest revision is the one just registered (where the module has the ARN).
resource "terraform_data" "task_definition" {
  input            = var.family
  triggers_replace = jsonencode(local.task_definition)

  provisioner "local-exec" {
    command     = "\"$AWS\" ecs register-task-definition --cli-input-json \"$TASK_DEFINITION\" >/dev/null"
    environment = { AWS = var.aws_cli, TASK_DEFINITION = jsonencode(local.task_definition) }
  }
}

# The real step, as in ../main.tf: ecs-run launches the migrator and fails the apply if it fails.
module "migrate" {
  source = "../run-task"

  ecs_run         = var.ecs_run
  cluster         = var.cluster
  task_definition = terraform_data.task_definition.output
  command         = var.command
  subnets         = compact(split(",", var.subnets))
  security_groups = compact(split(",", var.security_groups))
  timeout         = var.timeout

  triggers = {
    image           = var.image
    task_definition = terraform_data.task_definition.id
    extra           = var.rerun_token
  }
}

# Stand-in for aws_ecs_service: created or updated only after the migrations succeeded.
resource "terraform_data" "service" {
  input = {
    image           = var.image
    task_definition = terraform_data.task_definition.id
  }

  depends_on = [module.migrate]
}
