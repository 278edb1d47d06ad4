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
  description = "A template of the by-hand rollback (replace VERSION); see taskdefs/README.md."
  value = join(" ", [
    "ECS_RUN_CLUSTER=${var.cluster}",
    "ECS_RUN_TASK_DEFINITION=${aws_ecs_task_definition.migrator.arn}",
    "ECS_RUN_SUBNETS=${join(",", var.subnets)}",
    "ECS_RUN_SECURITY_GROUPS=${join(",", var.security_groups)}",
    "${var.ecs_run} run -- down --to VERSION",
  ])
}
