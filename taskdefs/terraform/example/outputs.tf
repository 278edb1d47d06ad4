output "migration_run_id" {
  description = "Changes whenever the migrations ran again."
  value       = module.migrate.id
}

output "service" {
  description = "What the ECS service stand-in was last created or updated with."
  value       = terraform_data.service.output
}

output "task_definition_family" {
  description = "Family registered in the local ECS."
  value       = var.family
}
