output "migration_run_id" {
  description = "Changes whenever the bundle ran again."
  value       = module.migrate.id
}

output "service" {
  description = "What the ECS service stand-in was last created or updated with."
  value       = terraform_data.service.output
}
