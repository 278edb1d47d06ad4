# With the local stack's environment loaded (source .local-stack/env):
#   -var "cluster=$ECS_RUN_CLUSTER" -var "subnets=$ECS_RUN_SUBNETS" -var "security_groups=$ECS_RUN_SECURITY_GROUPS"
#   -var "db_port=$LOCAL_STACK_PG_PORT" -var "db_password=$LOCAL_STACK_PG_PASSWORD" -var "migrations_dir=…"

variable "cluster" {
  description = "ECS cluster (ECS_RUN_CLUSTER of the local stack)."
  type        = string
}

variable "subnets" {
  description = "Comma-separated subnet IDs (ECS_RUN_SUBNETS)."
  type        = string
}

variable "security_groups" {
  description = "Comma-separated security group IDs (ECS_RUN_SECURITY_GROUPS)."
  type        = string
}

variable "image" {
  description = "Migrator image; the local ECS runs the built migrator for any repository ending in \"migrator\". A new value re-runs migrations."
  type        = string
  default     = "registry.local/example-migrator:1"
}

variable "migrations_dir" {
  description = "Directory of the migrations the task applies (MIGRATIONS_DIR; in the image it is /migrations)."
  type        = string
}

variable "command" {
  description = "Migrator command."
  type        = list(string)
  default     = ["up"]
}

variable "ecs_run" {
  description = "Path of ecs-run."
  type        = string
  default     = "ecs-run"
}

variable "aws_cli" {
  description = "Path of the AWS CLI the stand-ins use to create their local resources."
  type        = string
  default     = "aws"
}

variable "timeout" {
  description = "ecs-run's --timeout."
  type        = string
  default     = "5m"
}

variable "rerun_token" {
  description = "Change to run the migrations again without a new image."
  type        = string
  default     = ""
}

variable "family" {
  description = "Task definition family."
  type        = string
  default     = "example-migrator"
}

variable "log_group" {
  description = "CloudWatch Logs group of the migrator."
  type        = string
  default     = "/ecs/example-migrator"
}

variable "region" {
  description = "AWS region of the local stack."
  type        = string
  default     = "us-east-1"
}

variable "account_id" {
  description = "Account of the emulator (moto's default)."
  type        = string
  default     = "123456789012"
}

variable "db_host" {
  description = "PostgreSQL host."
  type        = string
  default     = "127.0.0.1"
}

variable "db_port" {
  description = "PostgreSQL port (LOCAL_STACK_PG_PORT)."
  type        = number
}

variable "db_name" {
  description = "Database the migrations apply to."
  type        = string
  default     = "postgres"
}

variable "db_user" {
  description = "PostgreSQL user."
  type        = string
  default     = "postgres"
}

variable "db_password" {
  description = "PostgreSQL password (LOCAL_STACK_PG_PASSWORD); stored in the stand-in for the RDS-managed secret."
  type        = string
  sensitive   = true
}

variable "db_secret_name" {
  description = "Name of the stand-in for the RDS-managed secret."
  type        = string
  default     = "example-db-master"
}
