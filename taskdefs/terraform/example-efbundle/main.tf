# A team's own migration tool as the migration step: an EF Core migrations bundle, wired as ../example wires the
# migrator. terraform_data stand-ins replace the AWS resources (no provider can be downloaded here); the run is
# the shared run-task module, whose local-exec really calls ecs-run against the local ECS, which runs images
# whose repository ends in "efbundle" as scripts/local-ecs/stand-ins/efbundle. Run it with the local stack's
# environment (../README.md, "An EF Core migrations bundle").
#
#   connection_secret ─┐
#   log_group ─ task_definition ┴─ module.migrate (ecs-run: efbundle --connection …) ─ service

terraform {
  required_version = ">= 1.4"
}

locals {
  connection_secret_arn = "arn:aws:secretsmanager:${var.region}:${var.account_id}:secret:${var.connection_secret_name}"

  template = jsondecode(templatefile("${path.module}/../../efbundle.json", {
    FAMILY                = var.family
    IMAGE                 = var.image
    EXECUTION_ROLE_ARN    = "arn:aws:iam::${var.account_id}:role/${var.family}-execution"
    REGION                = var.region
    LOG_GROUP             = terraform_data.log_group.output
    CONNECTION_SECRET_ARN = terraform_data.connection_secret.output
  }))

  # Only the stand-in needs this: a real bundle has its migrations compiled in.
  container = local.template.containerDefinitions[0]
  task_definition = merge(local.template, {
    containerDefinitions = [merge(local.container, {
      environment = [{ name = "EFBUNDLE_STANDIN_MIGRATIONS", value = abspath(var.migrations_dir) }]
    })]
  })
}

# Stand-in for aws_secretsmanager_secret(_version): the Npgsql connection string the bundle gets as --connection.
resource "terraform_data" "connection_secret" {
  input = local.connection_secret_arn

  provisioner "local-exec" {
    command = <<-EOT
      "$AWS" secretsmanager create-secret --name "$SECRET_NAME" --secret-string "$SECRET_STRING" >/dev/null 2>&1 ||
        "$AWS" secretsmanager put-secret-value --secret-id "$SECRET_NAME" --secret-string "$SECRET_STRING" >/dev/null
    EOT
    environment = {
      AWS           = var.aws_cli
      SECRET_NAME   = var.connection_secret_name
      SECRET_STRING = "Host=${var.db_host};Port=${var.db_port};Database=${var.db_name};Username=${var.db_user};Password=${var.db_password};SSL Mode=Disable"
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
# is the family, whose newest revision is the one just registered (where AWS has the ARN).
resource "terraform_data" "task_definition" {
  input            = var.family
  triggers_replace = jsonencode(local.task_definition)

  provisioner "local-exec" {
    command     = "\"$AWS\" ecs register-task-definition --cli-input-json \"$TASK_DEFINITION\" >/dev/null"
    environment = { AWS = var.aws_cli, TASK_DEFINITION = jsonencode(local.task_definition) }
  }
}

# The real step, as in ../example and ../main.tf: ecs-run launches the bundle and fails the apply with its exit code.
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

# Stand-in for aws_ecs_service: created or updated only after the bundle succeeded.
resource "terraform_data" "service" {
  input = {
    image           = var.image
    task_definition = terraform_data.task_definition.id
  }

  depends_on = [module.migrate]
}
