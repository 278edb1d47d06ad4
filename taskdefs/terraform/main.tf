# The migrator's task definition, from ../migrator.json, and the migration run that follows it.
#
# Order a deploy as RDS → migrations → service:
#   module "migrator" { ... db_host = aws_db_instance.main.address ... }
#   resource "aws_ecs_service" "app" { ... depends_on = [module.migrator] }
# Migrations run during `terraform apply` (never during plan), again whenever the image or the task
# definition changes; a failing migration fails the apply before the service is touched.

terraform {
  required_version = ">= 1.4"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

locals {
  # The same template the rest of the project validates (scripts/check-taskdef) and the demo registers.
  template = coalesce(var.task_definition_template,
  var.rds_iam ? "${path.module}/../migrator-rds-iam.json" : "${path.module}/../migrator.json")
  task_definition = jsondecode(templatefile(local.template, {
    FAMILY             = var.family
    IMAGE              = var.image
    EXECUTION_ROLE_ARN = var.execution_role_arn
    TASK_ROLE_ARN      = var.task_role_arn
    REGION             = var.region
    LOG_GROUP          = var.log_group
    DB_HOST            = var.db_host
    DB_PORT            = tostring(var.db_port)
    DB_NAME            = var.db_name
    DB_USER            = var.db_user
    DB_SECRET_ARN      = coalesce(var.db_secret_arn, "unused-with-rds-iam")
  }))
  # The task role's account, so the statement needs no provider call.
  account = split(":", var.task_role_arn)[4]
}

resource "aws_cloudwatch_log_group" "migrator" {
  count             = var.create_log_group ? 1 : 0
  name              = var.log_group
  retention_in_days = var.log_retention_days
}

resource "aws_ecs_task_definition" "migrator" {
  family                   = local.task_definition.family
  network_mode             = local.task_definition.networkMode
  requires_compatibilities = local.task_definition.requiresCompatibilities
  cpu                      = local.task_definition.cpu
  memory                   = local.task_definition.memory
  execution_role_arn       = local.task_definition.executionRoleArn
  task_role_arn            = local.task_definition.taskRoleArn
  container_definitions    = jsonencode(local.task_definition.containerDefinitions)

  runtime_platform {
    operating_system_family = local.task_definition.runtimePlatform.operatingSystemFamily
    cpu_architecture        = local.task_definition.runtimePlatform.cpuArchitecture
  }

  depends_on = [aws_cloudwatch_log_group.migrator]

  lifecycle {
    precondition {
      condition     = var.rds_iam || var.db_secret_arn != null
      error_message = "Set db_secret_arn (the database password's secret), or rds_iam = true to connect with IAM tokens instead."
    }
  }
}

module "migrate" {
  source = "./run-task"

  ecs_run          = var.ecs_run
  cluster          = var.cluster
  task_definition  = aws_ecs_task_definition.migrator.arn
  command          = var.command
  subnets          = var.subnets
  security_groups  = var.security_groups
  assign_public_ip = var.assign_public_ip
  timeout          = var.timeout
  environment      = merge({ AWS_REGION = var.region }, var.ecs_run_environment)

  # The ARN carries the revision, which changes with the image and every other setting.
  triggers = {
    image           = var.image_digest != "" ? var.image_digest : var.image
    task_definition = aws_ecs_task_definition.migrator.arn
    extra           = var.rerun_token
  }
}
