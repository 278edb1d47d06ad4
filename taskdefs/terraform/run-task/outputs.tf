output "id" {
  description = "Changes each time the task is run again; depend on this module to order later resources."
  value       = terraform_data.run.id
}

output "triggers" {
  description = "The values the last run was made for."
  value       = terraform_data.run.triggers_replace
}
