output "task_definition_arn" {
  description = "ARN of the migrator's task definition, with its revision."
  value       = aws_ecs_task_definition.migrator.arn
}

output "task_definition_family" {
  description = "Family of the migrator's task definition."
  value       = aws_ecs_task_definition.migrator.family
}

output "task_definition_revision" {
  description = "Revision of the migrator's task definition."
  value       = aws_ecs_task_definition.migrator.revision
}

output "migration_run_id" {
  description = "Changes whenever migrations ran again; resources that need the new schema depend on the module."
  value       = module.migrate.id
}

output "rollback_command" {
  description = "A template of the by-hand rollback (replace VERSION), with this deploy's settings; see taskdefs/terraform/README.md. Re-export it from the root module to read it with `terraform output`."
  value = join(" ", concat(
    ["AWS_REGION=${var.region}"],
    [for name, value in var.ecs_run_environment : "${name}='${replace(value, "'", "'\\''")}'"],
    [
      "ECS_RUN_CLUSTER=${var.cluster}",
      "ECS_RUN_TASK_DEFINITION=${aws_ecs_task_definition.migrator.arn}",
      "ECS_RUN_SUBNETS=${join(",", var.subnets)}",
      "ECS_RUN_SECURITY_GROUPS=${join(",", var.security_groups)}",
    ],
    var.assign_public_ip ? ["ECS_RUN_ASSIGN_PUBLIC_IP=true"] : [],
    ["'${replace(var.ecs_run, "'", "'\\''")}' run -- down --to VERSION"],
  ))
}

output "rds_iam_policy_json" {
  description = "With rds_iam and db_resource_id: the IAM policy the task role needs (rds-db:connect as db_user); attach it with aws_iam_role_policy."
  value = var.rds_iam && var.db_resource_id != "" ? jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "rds-db:connect"
      Resource = "arn:aws:rds-db:${var.region}:${local.account}:dbuser:${var.db_resource_id}/${var.db_user}"
    }]
  }) : null
}
