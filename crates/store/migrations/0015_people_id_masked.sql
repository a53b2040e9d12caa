-- People's ID numbers as this laptop's role receives them (PIPL). Supervisors' and
-- administrators' laptops keep the full number in `id_number` and leave `id_masked` empty.
-- Technicians' and inspectors' laptops receive the number masked (`id_masked`, the only form
-- ever shown) and, in `id_number`, the server's keyed hash of it: unique as the number is, so
-- two records of one person still match, and not to be worked back to the number here.
ALTER TABLE people ADD COLUMN id_masked TEXT;
